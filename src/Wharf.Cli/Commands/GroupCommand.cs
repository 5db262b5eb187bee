using System.CommandLine;

namespace Wharf.Cli.Commands;

/// <summary><c>wharf group</c>: multi-component applications (job groups) from compose files and ICOS descriptors.</summary>
internal static class GroupCommand
{
    public static Command Create(CliEnvironment env) =>
        new("group", "Run multi-component applications from compose files: up, ls, show, down")
        {
            GroupUpCommand.Create(env),
            GroupListCommand.Create(env),
            GroupShowCommand.Create(env),
            GroupDownCommand.Create(env),
        };
}
