using System.Collections.Concurrent;
using Wharf.Storage;

namespace Wharf.Server.Auth;

/// <summary>
/// Token lookups by digest, remembered for a few seconds so that a busy client does not cost a database read per
/// request. Revoking through this server clears it at once; a revoke on another server sharing the database is
/// seen here within <see cref="Lifetime"/>.
/// </summary>
internal sealed class TokenCache(IWharfStore store, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);

    // Bounded so that a flood of made-up tokens cannot grow memory without end.
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public async Task<TokenRecord?> FindAsync(string secret, CancellationToken cancellationToken)
    {
        var hash = TokenSecrets.Hash(secret);
        var now = time.GetTimestamp();
        if (_entries.TryGetValue(hash, out var entry) && time.GetElapsedTime(entry.FetchedAt, now) < Lifetime)
        {
            return entry.Token;
        }

        var token = await store.Tokens.FindByHashAsync(hash, cancellationToken);
        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear();
        }

        _entries[hash] = new Entry(token, now);
        return token;
    }

    public void Clear() => _entries.Clear();

    private sealed record Entry(TokenRecord? Token, long FetchedAt);
}
