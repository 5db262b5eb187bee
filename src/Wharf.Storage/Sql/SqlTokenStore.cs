using System.Data.Common;

namespace Wharf.Storage.Sql;

/// <summary>Tokens as rows; the secret itself is never stored, only its digest.</summary>
internal sealed class SqlTokenStore(SqlDatabase database) : ITokenStore
{
    private const string Columns = "id, hash, role, user_name, project, name, created_at, expires_at";

    public async Task CreateAsync(TokenRecord token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        await using var session = await database.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = session.Command(
            $"INSERT INTO tokens ({Columns}) VALUES (@id, @hash, @role, @user, @project, @name, @created_at, @expires_at)"))
        {
            command.With("@id", token.Id).With("@hash", token.Hash).With("@role", RoleName(token.Role)).With("@user", token.User)
                .With("@project", token.Project).With("@name", token.Name)
                .With("@created_at", token.CreatedAt.ToUnixTimeMilliseconds())
                .With("@expires_at", token.ExpiresAt?.ToUnixTimeMilliseconds());
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<TokenRecord?> FindByHashAsync(string hash, CancellationToken cancellationToken)
    {
        await using var session = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = session.Command($"SELECT {Columns} FROM tokens WHERE hash = @hash AND revoked_at IS NULL");
        command.With("@hash", hash);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadToken(reader) : null;
    }

    public async Task<IReadOnlyList<TokenRecord>> ListAsync(CancellationToken cancellationToken)
    {
        await using var session = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = session.Command($"SELECT {Columns} FROM tokens WHERE revoked_at IS NULL");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var tokens = new List<TokenRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            tokens.Add(ReadToken(reader));
        }

        // Newest first; ties by id, ordinal, so both engines agree whatever their collation.
        return [.. tokens.OrderByDescending(t => t.CreatedAt).ThenBy(t => t.Id, StringComparer.Ordinal)];
    }

    public async Task<bool> RevokeAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var session = await database.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        int changed;
        await using (var command = session.Command("UPDATE tokens SET revoked_at = @now WHERE id = @id AND revoked_at IS NULL"))
        {
            command.With("@now", now.ToUnixTimeMilliseconds()).With("@id", id);
            changed = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
        return changed > 0;
    }

    public async Task<bool> AnyWithRoleAsync(TokenRole role, CancellationToken cancellationToken)
    {
        await using var session = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = session.Command("SELECT COUNT(*) FROM tokens WHERE role = @role AND revoked_at IS NULL");
        command.With("@role", RoleName(role));
        return await command.ScalarLongAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    private static TokenRecord ReadToken(DbDataReader reader) => new(
        Id: reader.GetString(0),
        Hash: reader.GetString(1),
        Role: ParseRole(reader.GetString(2)),
        User: reader.GetString(3),
        Project: reader.GetNullableString(4),
        Name: reader.GetNullableString(5),
        CreatedAt: SqlCommands.ToTime(reader.GetInt64(6)),
        ExpiresAt: reader.GetNullableInt64(7) is { } expires ? SqlCommands.ToTime(expires) : null);

    private static string RoleName(TokenRole role) => role switch
    {
        TokenRole.User => "user",
        TokenRole.Admin => "admin",
        TokenRole.Agent => "agent",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
    };

    private static TokenRole ParseRole(string text) => text switch
    {
        "user" => TokenRole.User,
        "admin" => TokenRole.Admin,
        "agent" => TokenRole.Agent,
        _ => throw new InvalidDataException($"a stored token has the unknown role '{text}'"),
    };
}
