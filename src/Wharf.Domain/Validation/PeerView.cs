using Wharf.Domain.Jobs;

namespace Wharf.Domain.Validation;

/// <summary>What validation needs to know of a peer job the caller may see.</summary>
/// <param name="JobId">The peer's id.</param>
/// <param name="State">The peer's state.</param>
public sealed record PeerView(string JobId, JobState State);
