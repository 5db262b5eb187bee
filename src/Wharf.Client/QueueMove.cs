namespace Wharf.Client;

/// <summary>Where <c>POST /api/jobs/move</c> puts a waiting job in its queue: the front, the back, or beside another job.</summary>
/// <param name="To"><c>front</c>, <c>back</c>, <c>before</c> or <c>after</c>.</param>
/// <param name="OtherId">For <c>before</c> and <c>after</c>: the job of the same queue to stand beside.</param>
public sealed record QueueMove(string To, string? OtherId = null)
{
    /// <summary>To the front of the queue: the next to be placed.</summary>
    public static QueueMove Front { get; } = new("front");

    /// <summary>To the back of the queue.</summary>
    public static QueueMove Back { get; } = new("back");

    /// <summary>Just before <paramref name="otherId"/>.</summary>
    public static QueueMove Before(string otherId) => new("before", otherId);

    /// <summary>Just after <paramref name="otherId"/>.</summary>
    public static QueueMove After(string otherId) => new("after", otherId);
}
