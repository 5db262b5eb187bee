namespace Wharf.Agent.Drivers;

/// <summary>How a task ended.</summary>
/// <param name="ExitCode">
/// The exit code; for a task ended by a signal, 128 + the signal's number, as shells report it.
/// −1 when the end is known but its code is not (the task ended while no agent was watching and left no record).
/// </param>
/// <param name="Signal">The signal that ended the task, when known (15 when stopped politely, 9 when killed).</param>
/// <param name="Error">Why the exit code is not known, or what went wrong, for people.</param>
public sealed record ExitResult(int ExitCode, int? Signal = null, string? Error = null)
{
    /// <summary>The task ended by itself with exit code 0.</summary>
    public bool Successful => ExitCode == 0 && Signal is null && Error is null;

    /// <summary>
    /// The result for an exit code as a shell reports it: codes from 129 to 192 are taken as 128 + a signal's number,
    /// because that is all a parent shell can tell of a child that a signal ended.
    /// </summary>
    public static ExitResult FromExitCode(int exitCode) =>
        exitCode is > 128 and <= 128 + 64 ? new ExitResult(exitCode, exitCode - 128) : new ExitResult(exitCode);

    /// <summary>The result for a task that ended while nobody watched and left no exit code.</summary>
    public static ExitResult Unknown(string reason) => new(-1, null, reason);
}
