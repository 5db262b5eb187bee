using System.Text.Json;
using Wharf.Domain.Catalog;
using Wharf.Domain.Jobs;

namespace Wharf.Cli.Tests;

public sealed class JobRequestBuilderTests
{
    private static readonly ApplicationDefinition Typed = new()
    {
        Name = "typed",
        Version = "1.0.0",
        Command = ["/bin/true"],
        Parameters =
        [
            new() { Name = "count", Type = ParameterTypes.Integer },
            new() { Name = "ratio", Type = ParameterTypes.FloatingPoint },
            new() { Name = "verbose", Type = ParameterTypes.Boolean },
            new() { Name = "mode", Type = ParameterTypes.Enumeration, Options = ["fast", "slow"] },
            new() { Name = "dataStore", Type = ParameterTypes.File },
            new() { Name = "database", Type = ParameterTypes.Peer },
            new() { Name = "note", Type = ParameterTypes.Text },
        ],
    };

    [Fact]
    public void Parameters_AreTypedAsTheApplicationDeclaresThem()
    {
        var values = JobRequestBuilder.Parameters(Typed,
            ["count=42", "ratio=0.5", "verbose=yes", "mode=fast", "dataStore=/123/acme-database", "database=4101", "note=a=b"]);

        Assert.Equal((ParameterTypes.Integer, JsonValueKind.Number, "42"), Describe(values["count"]));
        Assert.Equal((ParameterTypes.FloatingPoint, JsonValueKind.Number, "0.5"), Describe(values["ratio"]));
        Assert.Equal((ParameterTypes.Boolean, JsonValueKind.True, "true"), Describe(values["verbose"]));
        Assert.Equal((ParameterTypes.Enumeration, JsonValueKind.String, "fast"), Describe(values["mode"]));
        Assert.Equal(AppParameterValue.File("/123/acme-database"), values["dataStore"]);
        Assert.Equal(AppParameterValue.Peer("database", "4101"), values["database"]);
        Assert.Equal("a=b", values["note"].RenderScalar());
    }

    [Theory]
    [InlineData("count=many", "--param count: 'many' is not a whole number")]
    [InlineData("ratio=NaN", "--param ratio: 'NaN' is not a number")]
    [InlineData("verbose=maybe", "--param verbose: 'maybe' is not true or false")]
    [InlineData("colour=red", "--param: typed@1.0.0 has no parameter 'colour'")]
    [InlineData("=red", "--param: '=red' is not NAME=VALUE")]
    [InlineData("count", "--param: 'count' is not NAME=VALUE")]
    public void Parameters_ThatCannotBeTyped_AreUsageErrors(string pair, string message)
    {
        var error = Assert.Throws<UsageException>(() => JobRequestBuilder.Parameters(Typed, [pair]));

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parameters_GivenTwice_AreAUsageError()
    {
        Assert.Throws<UsageException>(() => JobRequestBuilder.Parameters(Typed, ["count=1", "count=2"]));
    }

    [Fact]
    public void Peers_AreHostAndJobId()
    {
        Assert.Equal([AppParameterValue.Peer("database", "4101")], JobRequestBuilder.Peers(["database=4101"]));
        Assert.Throws<UsageException>(() => JobRequestBuilder.Peers(["database"]));
    }

    [Fact]
    public void ResolveProduct_TakesAFullReference_AUniqueId_OrTheOnlyProduct()
    {
        Product[] two = [new() { Id = "small", Category = "c", Provider = "x" }, new() { Id = "small", Category = "d", Provider = "x" }];
        Product[] one = [new() { Id = "only", Category = "c", Provider = "x" }];

        Assert.Equal(new ProductReference("small", "d", "x"), JobRequestBuilder.ResolveProduct(two, "x/d/small"));
        Assert.Equal(new ProductReference("only", "c", "x"), JobRequestBuilder.ResolveProduct(one, "only"));
        Assert.Equal(new ProductReference("only", "c", "x"), JobRequestBuilder.ResolveProduct(one, null));
        Assert.Contains("several products", Assert.Throws<UsageException>(() => JobRequestBuilder.ResolveProduct(two, "small")).Message, StringComparison.Ordinal);
        Assert.Contains("--product is needed", Assert.Throws<UsageException>(() => JobRequestBuilder.ResolveProduct(two, null)).Message, StringComparison.Ordinal);
        Assert.Contains("no product has the id", Assert.Throws<UsageException>(() => JobRequestBuilder.ResolveProduct(one, "big")).Message, StringComparison.Ordinal);
        Assert.Throws<UsageException>(() => JobRequestBuilder.ResolveProduct(one, "x/only"));
    }

    [Fact]
    public void Newest_OrdersVersionsNumerically()
    {
        ApplicationDefinition[] apps =
        [
            new() { Name = "app", Version = "1.9.0" },
            new() { Name = "app", Version = "1.10.0" },
            new() { Name = "app", Version = "1.2.0" },
            new() { Name = "other", Version = "9.0.0" },
        ];

        Assert.Equal("1.10.0", JobRequestBuilder.Newest(apps, "app").Version);
        Assert.Throws<UsageException>(() => JobRequestBuilder.Newest(apps, "nope"));
    }

    [Theory]
    [InlineData("app", "app", null)]
    [InlineData("app@2.0", "app", "2.0")]
    public void SplitApplication_ReadsNameAndVersion(string text, string name, string? version)
    {
        Assert.Equal((name, version), JobRequestBuilder.SplitApplication(text));
    }

    [Theory]
    [InlineData("@1.0")]
    [InlineData("app@")]
    public void SplitApplication_RefusesAnEmptyNameOrVersion(string text)
    {
        Assert.Throws<UsageException>(() => JobRequestBuilder.SplitApplication(text));
    }

    private static (string?, JsonValueKind?, string) Describe(AppParameterValue value) => (value.Type, value.Value?.ValueKind, value.RenderScalar());
}
