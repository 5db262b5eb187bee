namespace Wharf.Icos.Tests;

/// <summary>The system clock moved forward by <see cref="Offset"/>, so a test can let a lease lapse without waiting.</summary>
public sealed class ShiftedTime : TimeProvider
{
    public TimeSpan Offset { get; set; }

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;
}
