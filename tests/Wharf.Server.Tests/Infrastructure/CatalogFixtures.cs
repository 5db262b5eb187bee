namespace Wharf.Server.Tests.Infrastructure;

/// <summary>The catalog the tests run against, written as YAML files in the documented format.</summary>
public static class CatalogFixtures
{
    public const string AcmeDatabase = """
        name: acme-database
        version: 1.0.0
        title: ACME Database
        command: ["acme-db", "--data", "{{parameters.dataStore}}", "--port", "{{ports.db}}"]
        parameters:
          - name: dataStore
            type: file
            title: Data store
        ports:
          - name: db
        maxReplicas: 1
        """;

    public const string AcmeWebApp = """
        name: acme-web-app
        version: 1.0.0
        command: ["acme-web", "--port", "{{ports.http}}"]
        parameters: []
        ports:
          - name: http
            protocol: tcp
        """;

    public const string Calculator = """
        kind: application
        name: calculator
        version: "2.0"
        command: [calc, "{{parameters.iterations}}"]
        queue: batch
        parameters:
          - name: iterations
            type: integer
            min: 1
            max: 1000
          - name: mode
            type: enumeration
            options: [fast, exact]
            optional: true
          - name: verbose
            type: boolean
            defaultValue: false
          - name: label
            type: text
            optional: true
        environment:
          THREADS: 4
        """;

    public const string Products = """
        id: example-compute
        category: example-compute
        provider: example
        cpu: 1
        memoryInGigs: 1
        ---
        kind: product
        id: big
        category: example-compute
        provider: example
        cpu: 8
        memoryInGigs: 32
        gpu: 1
        """;

    /// <summary>Writes the fixtures to <c>{directory}/catalog</c> and returns that folder.</summary>
    public static string Write(string directory)
    {
        var catalog = Path.Combine(directory, "catalog");
        Directory.CreateDirectory(Path.Combine(catalog, "apps"));
        File.WriteAllText(Path.Combine(catalog, "apps", "acme-database.yaml"), AcmeDatabase);
        File.WriteAllText(Path.Combine(catalog, "apps", "acme-web-app.yml"), AcmeWebApp);
        File.WriteAllText(Path.Combine(catalog, "apps", "calculator.yaml"), Calculator);
        File.WriteAllText(Path.Combine(catalog, "products.yaml"), Products);
        File.WriteAllText(Path.Combine(catalog, "README.txt"), "not a catalog file; ignored");
        return catalog;
    }
}
