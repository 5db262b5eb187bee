namespace Wharf.Cli;

/// <summary>The exit codes of <c>wharf</c>.</summary>
internal static class ExitCodes
{
    /// <summary>Done as asked; for <c>wharf run --wait</c>, the job ended SUCCESS.</summary>
    public const int Success = 0;

    /// <summary>
    /// The server refused the request, could not be reached, or could not start; or, for <c>wharf run --wait</c>, the
    /// job ended FAILURE or EXPIRED.
    /// </summary>
    public const int Failure = 1;

    /// <summary>The command line was wrong: unknown option, missing argument, a value that does not parse.</summary>
    public const int Usage = 2;

    /// <summary>Interrupted (Ctrl-C) before the command finished.</summary>
    public const int Interrupted = 130;
}
