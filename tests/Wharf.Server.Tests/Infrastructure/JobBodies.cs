using System.Text.Json;

namespace Wharf.Server.Tests.Infrastructure;

/// <summary>Builds job request bodies as JSON text.</summary>
public static class JobBodies
{
    public static string Database(string name = "my-database", string path = "/123/acme-database", bool allowDuplicate = false, object? timeAllocation = null) =>
        Bulk(DatabaseItem(name, path, allowDuplicate, timeAllocation));

    public static Dictionary<string, object?> DatabaseItem(string name = "my-database", string path = "/123/acme-database", bool allowDuplicate = false, object? timeAllocation = null) => new()
    {
        ["application"] = new { name = "acme-database", version = "1.0.0" },
        ["product"] = Product,
        ["name"] = name,
        ["replicas"] = 1,
        ["allowDuplicateJob"] = allowDuplicate,
        ["parameters"] = new Dictionary<string, object> { ["dataStore"] = new { type = "file", path, readOnly = false } },
        ["timeAllocation"] = timeAllocation,
    };

    public static Dictionary<string, object?> WebAppItem(string peerJobId, string hostname = "database") => new()
    {
        ["application"] = new { name = "acme-web-app", version = "1.0.0" },
        ["product"] = Product,
        ["name"] = "my-web-app",
        ["replicas"] = 1,
        ["allowDuplicateJob"] = true,
        ["resources"] = new object[] { new { type = "peer", hostname, jobId = peerJobId } },
    };

    public static object Product => new { id = "example-compute", category = "example-compute", provider = "example" };

    public static string Bulk(params object[] items) => JsonSerializer.Serialize(new { items });

    public static string Ids(params string[] ids) => JsonSerializer.Serialize(new { items = ids.Select(id => new { id }) });
}
