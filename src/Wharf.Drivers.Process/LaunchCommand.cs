namespace Wharf.Drivers.Process;

/// <summary>A program to start for a task: its full path, arguments, whole environment and working folder.</summary>
internal sealed record LaunchCommand(
    string Program, IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string> Environment, string WorkingDirectory);
