using Wharf.Domain.Jobs;

namespace Wharf.Server.Doors.Icos;

/// <summary>What the door decided to do to a job, read as it is now.</summary>
internal abstract record Decision
{
    /// <summary>Save this change (compare-and-set).</summary>
    public sealed record Save(JobChange Change) : Decision;

    /// <summary>Nothing to change; the request is already satisfied.</summary>
    public sealed record Keep : Decision;

    /// <summary>Refuse the request with this answer.</summary>
    public sealed record Refuse(IResult Answer) : Decision;
}
