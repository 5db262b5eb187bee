using Wharf.Cli.Commands;

namespace Wharf.Cli.Tests;

public sealed class GroupManifestFileTests
{
    [Theory]
    [InlineData("command: [\"$A\", \"${B}\", \"${C:-x}\"]", "A,B,C")]
    [InlineData("x: ${OUTER:-${INNER:?why}/..}", "INNER,OUTER")]
    [InlineData("escaped: $$NOT and $${NOR} and $$(WHARF_PORT_P80)", "")]
    [InlineData("digits: $1 ${_OK} $", "_OK")]
    public void ReferencedVariables_AreTheNamesComposeWouldSubstitute(string text, string expected)
    {
        var names = GroupManifestFile.ReferencedVariables(text);

        Assert.Equal(expected.Split(',', StringSplitOptions.RemoveEmptyEntries), names);
    }

    [Fact]
    public void Variables_LeaveTheComposeFolderToTheEnvFile_WhenItSetsIt()
    {
        using var folder = new TempFolder();
        var env = new CliEnvironment { Out = TextWriter.Null, Error = TextWriter.Null, WorkingDirectory = folder.Path };
        folder.WriteFile("compose.yaml", "services: {}\n");
        folder.WriteFile(".env", "export WHARF_COMPOSE_DIR=/elsewhere\n");
        var withEnv = GroupManifestFile.Read(env, null, null);
        folder.WriteFile(".env", "OTHER=1\n");
        var without = GroupManifestFile.Read(env, "compose.yaml", null);

        Assert.False(withEnv.Variables(env).ContainsKey(GroupManifestFile.ComposeDirectoryVariable));
        Assert.Equal(folder.Path, without.Variables(env)[GroupManifestFile.ComposeDirectoryVariable]);
    }

    [Theory]
    [InlineData("name: acme\nservices: {}\n", "acme")]
    [InlineData("{\"name\": \"json-form\", \"services\": {}}", "json-form")]
    [InlineData("name: ${PROJECT}\n", null)]
    [InlineData("services: [unclosed\n", null)]
    public void DeclaredName_IsTheTopLevelName_WhenItIsPlainText(string text, string? expected)
    {
        var file = new GroupManifestFile("/x/compose.yaml", text, null, null);

        Assert.Equal(expected, file.DeclaredName());
    }
}
