namespace Wharf.Execution.Tests.Infrastructure;

/// <summary>The catalog the execution tests run against, written as YAML files.</summary>
public static class TestCatalog
{
    public const string Worker = """
        name: worker
        version: "1.0"
        command: ["sh", "-c", "echo $(GREETING) && sleep $(WHARF_PARAM_SECONDS)", "--data", "$(WHARF_FILE_DATA)"]
        parameters:
          - name: seconds
            type: integer
            defaultValue: 60
          - name: mode
            type: enumeration
            options: [fast, exact]
            optional: true
          - name: data
            type: file
            optional: true
        ports:
          - name: http
          - name: admin
        environment:
          GREETING: hello
        maxReplicas: 8
        """;

    public const string Client = """
        name: client
        version: "1.0"
        command: ["client", "--server", "$(WHARF_PEER_DATABASE_HOST)"]
        parameters: []
        """;

    public const string Products = """
        id: small
        category: compute
        provider: test
        cpu: 1
        memoryInGigs: 1
        ---
        kind: product
        id: big
        category: compute
        provider: test
        cpu: 64
        memoryInGigs: 4
        """;

    /// <summary>Writes the catalog under <paramref name="directory"/> and returns its folder.</summary>
    public static string Write(string directory)
    {
        var catalog = Path.Combine(directory, "catalog");
        Directory.CreateDirectory(Path.Combine(catalog, "apps"));
        File.WriteAllText(Path.Combine(catalog, "apps", "worker.yaml"), Worker);
        File.WriteAllText(Path.Combine(catalog, "apps", "client.yaml"), Client);
        File.WriteAllText(Path.Combine(catalog, "products.yaml"), Products);
        return catalog;
    }
}
