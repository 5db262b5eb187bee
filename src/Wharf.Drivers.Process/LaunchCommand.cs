namespace Wharf.Drivers.Process;

/// <summary>A program to start for a task: its full path, arguments, whole environment and working folder.</summary>
internal sealed record LaunchCommand(
    string Program, IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string> Environment, string WorkingDirectory)
{
    /// <summary>
    /// Where the program's standard output and error go when it answers nothing before it runs (the task's log
    /// files); null when it answers <c>ready</c> or why it cannot start on pipes the driver reads.
    /// </summary>
    public (string Output, string Error)? LogFiles { get; init; }
}
