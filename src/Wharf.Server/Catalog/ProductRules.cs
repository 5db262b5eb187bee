using System.Text.RegularExpressions;
using Wharf.Domain.Catalog;
using Wharf.Domain.Validation;

namespace Wharf.Server.Catalog;

/// <summary>What makes a product acceptable; every problem is returned at once, each naming its field.</summary>
internal static partial class ProductRules
{
    public static IReadOnlyList<ValidationError> Check(Product product)
    {
        ArgumentNullException.ThrowIfNull(product);
        var errors = new List<ValidationError>();
        foreach (var (field, value) in new[] { ("id", product.Id), ("category", product.Category), ("provider", product.Provider) })
        {
            if (string.IsNullOrEmpty(value))
            {
                errors.Add(new(field, "required", $"a product needs a {field}"));
            }
            else if (!Name().IsMatch(value))
            {
                errors.Add(new(field, "invalid_name", $"a product's {field} is 1–100 letters, digits, '.', '_' and '-', starting with a letter or digit"));
            }
        }

        if (!double.IsFinite(product.Cpu) || product.Cpu <= 0)
        {
            errors.Add(new("cpu", "out_of_range", "cpu is larger than 0"));
        }

        if (!double.IsFinite(product.MemoryInGigs) || product.MemoryInGigs < 0)
        {
            errors.Add(new("memoryInGigs", "out_of_range", "memoryInGigs is 0 or more"));
        }

        if (product.Gpu < 0)
        {
            errors.Add(new("gpu", "out_of_range", "gpu is 0 or more"));
        }

        return errors;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]
    private static partial Regex Name();
}
