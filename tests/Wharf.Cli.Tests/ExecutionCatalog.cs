namespace Wharf.Cli.Tests;

/// <summary>Catalog files for tests that run jobs: a shell application that runs its <c>script</c> parameter, and a product no test node can hold.</summary>
internal static class ExecutionCatalog
{
    public const string ShellYaml = """
        name: shell
        version: 1.0.0
        command: ["/bin/sh", "-c", "$(WHARF_PARAM_SCRIPT)"]
        parameters:
          - name: script
            type: text
        """;

    /// <summary>64 cores per rank: bigger than every node the tests declare.</summary>
    public const string BigProductYaml = "id: big\ncategory: c\nprovider: x\ncpu: 64\nmemoryInGigs: 1\n";

    public static readonly (string, string)[] Files = [("shell.yaml", ShellYaml), ("big.yaml", BigProductYaml)];
}
