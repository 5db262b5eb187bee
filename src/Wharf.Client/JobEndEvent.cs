namespace Wharf.Client;

/// <summary>The last event of a follow stream: the job has ended and every line it wrote was sent.</summary>
public sealed record JobEndEvent : JobFollowEvent;
