namespace Wharf.EndToEnd.Tests;

/// <summary>The test's own application: <c>probe</c> runs the bash script given as its <c>script</c> parameter.</summary>
internal static class TestCatalog
{
    public static string Write(string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "probe.yaml"), """
            name: probe
            version: 1.0.0
            description: Runs a bash script, for tests.
            command: ["/bin/bash", "-c", "$(WHARF_PARAM_SCRIPT)"]
            parameters:
              - name: script
                type: text
            ports:
              - name: http
            """);
        return directory;
    }
}
