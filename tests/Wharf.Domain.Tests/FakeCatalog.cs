using Wharf.Domain.Catalog;
using Wharf.Domain.Jobs;

namespace Wharf.Domain.Tests;

/// <summary>A catalog in memory: the seed's database and web app, and one product.</summary>
internal sealed class FakeCatalog : ICatalogView
{
    public List<ApplicationDefinition> Applications { get; } =
    [
        new()
        {
            Name = "acme-database",
            Version = "1.0.0",
            Command = ["db"],
            Parameters = [new ApplicationParameter { Name = "dataStore", Type = ParameterTypes.File }],
        },
        new() { Name = "acme-web-app", Version = "1.0.0", Command = ["web"], MaxReplicas = 4 },
        new()
        {
            Name = "typed",
            Version = "2",
            Command = ["t"],
            Parameters =
            [
                new ApplicationParameter { Name = "count", Type = ParameterTypes.Integer, Optional = true, Min = 1, Max = 10 },
                new ApplicationParameter { Name = "ratio", Type = ParameterTypes.FloatingPoint, Optional = true },
                new ApplicationParameter { Name = "flag", Type = ParameterTypes.Boolean, Optional = true },
                new ApplicationParameter { Name = "mode", Type = ParameterTypes.Enumeration, Optional = true, Options = ["fast", "slow"] },
                new ApplicationParameter { Name = "label", Type = ParameterTypes.Text, Optional = true },
            ],
        },
    ];

    public List<Product> Products { get; } = [new() { Id = "example-compute", Category = "example-compute", Provider = "example" }];

    public ApplicationDefinition? FindApplication(string name, string version) =>
        Applications.FirstOrDefault(a => a.Name == name && a.Version == version);

    public bool HasApplicationNamed(string name) => Applications.Any(a => a.Name == name);

    public Product? FindProduct(ProductReference reference) => Products.FirstOrDefault(p => p.Matches(reference));
}
