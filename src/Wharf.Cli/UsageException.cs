namespace Wharf.Cli;

/// <summary>A command line that parses but makes no sense (a bad duration, a missing setting); exits with <see cref="ExitCodes.Usage"/>.</summary>
internal sealed class UsageException(string message) : Exception(message);
