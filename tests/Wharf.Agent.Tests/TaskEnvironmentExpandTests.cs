using Wharf.Agent.Drivers;

namespace Wharf.Agent.Tests;

public class TaskEnvironmentExpandTests
{
    private static readonly Dictionary<string, string> Environment = new() { ["WHARF_PORT_DB"] = "7001", ["WHARF_FILE_DATASTORE"] = "/data/x" };

    [Theory]
    [InlineData("--port", "--port")]
    [InlineData("$(WHARF_PORT_DB)", "7001")]
    [InlineData("host:$(WHARF_PORT_DB)/$(WHARF_FILE_DATASTORE)", "host:7001//data/x")]
    [InlineData("$(UNSET)", "$(UNSET)")]
    [InlineData("$$(WHARF_PORT_DB)", "$(WHARF_PORT_DB)")]
    [InlineData("cost: 5$", "cost: 5$")]
    [InlineData("$(unterminated", "$(unterminated")]
    [InlineData("$HOME", "$HOME")]
    public void Expand_FillsReferencesFromTheEnvironment(string argument, string expected)
    {
        Assert.Equal(expected, TaskEnvironment.Expand(argument, Environment));
    }
}
