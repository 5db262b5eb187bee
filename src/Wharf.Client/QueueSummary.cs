namespace Wharf.Client;

/// <summary>A queue that holds jobs (<c>GET /api/queues</c>).</summary>
/// <param name="Name">The queue's name.</param>
/// <param name="Waiting">How many of its jobs wait (placed ones still starting included).</param>
/// <param name="Running">How many of its jobs run or are being stopped.</param>
public sealed record QueueSummary(string Name, int Waiting, int Running);
