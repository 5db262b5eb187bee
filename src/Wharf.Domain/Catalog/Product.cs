using Wharf.Domain.Jobs;

namespace Wharf.Domain.Catalog;

/// <summary>A machine type, <c>{id, category, provider}</c>, with the resources one rank of a job receives.</summary>
public sealed record Product
{
    /// <summary>The product's id (UCloud's product name).</summary>
    public string Id { get; init; } = "";

    /// <summary>The product category.</summary>
    public string Category { get; init; } = "";

    /// <summary>Who provides it.</summary>
    public string Provider { get; init; } = "";

    /// <summary>What it is, for people.</summary>
    public string? Description { get; init; }

    /// <summary>Cores per rank.</summary>
    public double Cpu { get; init; } = 1;

    /// <summary>Memory per rank, in GiB.</summary>
    public double MemoryInGigs { get; init; } = 1;

    /// <summary>GPUs per rank.</summary>
    public int Gpu { get; init; }

    /// <summary>True when <paramref name="reference"/> names this product.</summary>
    public bool Matches(ProductReference reference) =>
        reference is not null
        && string.Equals(reference.Id, Id, StringComparison.Ordinal)
        && string.Equals(reference.Category, Category, StringComparison.Ordinal)
        && string.Equals(reference.Provider, Provider, StringComparison.Ordinal);

    /// <summary>The reference that names this product.</summary>
    public ProductReference Reference => new(Id, Category, Provider);
}
