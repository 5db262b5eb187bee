namespace Wharf.Scheduling;

/// <summary>Why a job (and every job of the same shape after it in the pass) did not fit.</summary>
internal sealed class Failure
{
    public required string Reason { get; init; }

    public required IReadOnlyDictionary<string, int> Counts { get; init; }

    public int NodesFitting { get; init; }

    public static Failure Invalid(string reason) => new()
    {
        Reason = reason,
        Counts = new Dictionary<string, int>(),
    };
}
