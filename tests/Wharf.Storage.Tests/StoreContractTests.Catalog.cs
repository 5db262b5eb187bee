using System.Text.Json;
using Wharf.Domain.Catalog;
using static Wharf.Storage.Tests.JobRequests;

namespace Wharf.Storage.Tests;

public abstract partial class StoreContractTests
{
    [Fact]
    public async Task Catalog_UpsertReplacesAnApplication_AndListsThemByNameThenVersion()
    {
        var database = new ApplicationDefinition
        {
            Name = "acme-database",
            Version = "1.0.0",
            Title = "Acme database",
            Command = ["acme-db", "--data", "{{dataStore}}"],
            Parameters =
            [
                new ApplicationParameter { Name = "dataStore", Type = "file" },
                new ApplicationParameter { Name = "cache", Type = "floating_point", Optional = true, DefaultValue = JsonDocument.Parse("0.50").RootElement.Clone() },
            ],
            Ports = [new ApplicationPort("sql", "tcp")],
            Environment = new Dictionary<string, string> { ["MODE"] = "fast" },
        };
        await Store.Catalog.UpsertApplicationAsync(new ApplicationDefinition { Name = "acme-web-app", Version = "1.0.0" }, T0, Ct);
        await Store.Catalog.UpsertApplicationAsync(database with { Version = "2.0.0" }, T0, Ct);
        await Store.Catalog.UpsertApplicationAsync(database with { Title = "old title" }, T0, Ct);

        await Store.Catalog.UpsertApplicationAsync(database, T0.AddSeconds(1), Ct);

        var listed = await Store.Catalog.ListApplicationsAsync(Ct);
        Assert.Equal(["acme-database@1.0.0", "acme-database@2.0.0", "acme-web-app@1.0.0"], listed.Select(a => $"{a.Name}@{a.Version}"));
        Assert.Equal(Json(database), Json(listed[0]));
        Assert.Equal(Json(database), Json(await Store.Catalog.GetApplicationAsync("acme-database", "1.0.0", Ct)));
        Assert.Null(await Store.Catalog.GetApplicationAsync("acme-database", "3.0.0", Ct));
        Assert.Null(await Store.Catalog.GetApplicationAsync("nothing", "1.0.0", Ct));
    }

    [Fact]
    public async Task Catalog_UpsertReplacesAProduct_AndListsThemByProviderCategoryAndId()
    {
        var compute = new Product { Provider = "example", Category = "example-compute", Id = "example-compute", Cpu = 2, MemoryInGigs = 4 };
        await Store.Catalog.UpsertProductAsync(compute with { Cpu = 1 }, T0, Ct);
        await Store.Catalog.UpsertProductAsync(new Product { Provider = "example", Category = "example-compute", Id = "a-small" }, T0, Ct);
        await Store.Catalog.UpsertProductAsync(new Product { Provider = "acme", Category = "gpu", Id = "u1-gpu", Gpu = 1 }, T0, Ct);

        await Store.Catalog.UpsertProductAsync(compute, T0.AddSeconds(1), Ct);

        var listed = await Store.Catalog.ListProductsAsync(Ct);
        Assert.Equal(["acme/gpu/u1-gpu", "example/example-compute/a-small", "example/example-compute/example-compute"], listed.Select(p => p.Reference.ToString()));
        Assert.Equal(compute, listed[2]);
    }

    [Fact]
    public async Task Tokens_AreFoundByHash_ListedNewestFirst_AndGoneOnceRevoked()
    {
        var admin = new TokenRecord("t-admin", "hash-admin", TokenRole.Admin, "root", null, "first admin", T0, null);
        var user = new TokenRecord("t-user", "hash-user", TokenRole.User, "alice", "p1", null, T0.AddSeconds(1), T0.AddDays(30));
        Assert.False(await Store.Tokens.AnyWithRoleAsync(TokenRole.Admin, Ct));

        await Store.Tokens.CreateAsync(admin, Ct);
        await Store.Tokens.CreateAsync(user, Ct);

        Assert.Equal(user, await Store.Tokens.FindByHashAsync("hash-user", Ct));
        Assert.Equal(admin, await Store.Tokens.FindByHashAsync("hash-admin", Ct));
        Assert.Null(await Store.Tokens.FindByHashAsync("hash-nobody", Ct));
        Assert.Equal([user, admin], await Store.Tokens.ListAsync(Ct));
        Assert.True(await Store.Tokens.AnyWithRoleAsync(TokenRole.Admin, Ct));
        Assert.False(await Store.Tokens.AnyWithRoleAsync(TokenRole.Agent, Ct));

        Assert.True(await Store.Tokens.RevokeAsync("t-admin", T0.AddSeconds(2), Ct));

        Assert.Null(await Store.Tokens.FindByHashAsync("hash-admin", Ct));
        Assert.Equal([user], await Store.Tokens.ListAsync(Ct));
        Assert.False(await Store.Tokens.AnyWithRoleAsync(TokenRole.Admin, Ct));
        Assert.False(await Store.Tokens.RevokeAsync("t-admin", T0.AddSeconds(3), Ct));
        Assert.False(await Store.Tokens.RevokeAsync("t-nobody", T0.AddSeconds(3), Ct));
    }

    [Fact]
    public async Task Ping_AnswersTrue_AndTheEngineNamesItself()
    {
        Assert.True(await Store.PingAsync(Ct));
        Assert.Contains(Store.Engine, new[] { "sqlite", "postgres" });
    }
}
