namespace Wharf.Client;

/// <summary>A stream of one rank of a job that has lines.</summary>
/// <param name="Rank">The rank.</param>
/// <param name="Stream"><c>stdout</c>, <c>stderr</c>, …</param>
public sealed record JobLogStream(int Rank, string Stream);
