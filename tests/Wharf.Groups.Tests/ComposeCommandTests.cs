namespace Wharf.Groups.Tests;

public class ComposeCommandTests
{
    private static IReadOnlyList<string> CommandOf(string serviceBody) =>
        Read.Service($"services:\n  web:\n{serviceBody}", "web").Definition!.Command;

    [Fact]
    public void WharfCommand_List_IsTakenAsIs_AndImageIsIgnored()
    {
        Assert.Equal(["python3", "-m", "http.server"], CommandOf("    image: nginx\n    x-wharf:\n      command: [python3, -m, http.server]\n"));
    }

    [Fact]
    public void WharfCommand_Text_RunsUnderShell()
    {
        Assert.Equal(["/bin/sh", "-c", "echo hi"], CommandOf("    x-wharf:\n      command: echo hi\n"));
    }

    [Fact]
    public void WharfCommand_WinsOverComposeCommand()
    {
        Assert.Equal(["a"], CommandOf("    command: b\n    x-wharf:\n      command: [a]\n"));
    }

    [Fact]
    public void ComposeCommand_SimpleText_IsSplitLikeAShell()
    {
        Assert.Equal(["echo", "hello world", "it's", "a\"b"], CommandOf("    command: echo \"hello world\" it\\'s 'a\"b'\n"));
    }

    [Fact]
    public void ComposeCommand_ShellSyntax_RunsUnderShell()
    {
        Assert.Equal(["/bin/sh", "-c", "sleep 1 && echo done > out"], CommandOf("    command: sleep 1 && echo done > out\n"));
    }

    [Fact]
    public void ComposeCommand_DollarDollar_IsALiteralDollarForTheShell()
    {
        Assert.Equal(["/bin/sh", "-c", "echo $HOME"], CommandOf("    command: echo $$HOME\n"));
    }

    [Fact]
    public void ComposeCommand_LeadingAssignment_RunsUnderShell()
    {
        Assert.Equal(["/bin/sh", "-c", "FOO=1 app"], CommandOf("    command: FOO=1 app\n"));
    }

    [Fact]
    public void EntrypointAndCommand_AreJoined()
    {
        Assert.Equal(["python3", "app.py", "--port", "80"], CommandOf("    entrypoint: [python3, app.py]\n    command: --port 80\n"));
    }

    [Fact]
    public void EntrypointList_WithShellCommand_QuotesTheListForTheShell()
    {
        Assert.Equal(["/bin/sh", "-c", "run 'a b' x | tee log"], CommandOf("    entrypoint: [run, a b]\n    command: x | tee log\n"));
    }

    [Fact]
    public void NothingToRun_IsAFaultNamingXWharf()
    {
        var fault = Read.Single(Read.ComposeFaults("services:\n  web:\n    image: nginx\n"), "services.web");
        Assert.Equal("required", fault.Code);
        Assert.Contains("nothing to run: set x-wharf.command", fault.Message, StringComparison.Ordinal);
        Assert.Equal(3, fault.Line);
        Assert.StartsWith("line 3: ", fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyCommand_IsAFault()
    {
        Assert.Equal("required", Read.Single(Read.ComposeFaults("services:\n  web:\n    command: []\n"), "services.web.command").Code);
    }

    [Fact]
    public void Definition_IsNamedAfterTheService_VersionGroup()
    {
        var definition = Read.Service("services:\n  web:\n    command: [run]\n", "web").Definition!;
        Assert.Equal("web", definition.Name);
        Assert.Equal("group", definition.Version);
        Assert.Equal(1000, definition.MaxReplicas);
    }
}
