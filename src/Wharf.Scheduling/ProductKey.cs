using Wharf.Domain.Catalog;
using Wharf.Domain.Jobs;

namespace Wharf.Scheduling;

/// <summary>The string that names a product in node offers and constraints: <c>provider/category/id</c>.</summary>
public static class ProductKey
{
    /// <summary>The key of the product <paramref name="reference"/> names, e.g. <c>example/example-compute/u1-gpu</c>.</summary>
    public static string Of(ProductReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return reference.ToString();
    }

    /// <summary>The key of <paramref name="product"/>.</summary>
    public static string Of(Product product)
    {
        ArgumentNullException.ThrowIfNull(product);
        return product.Reference.ToString();
    }
}
