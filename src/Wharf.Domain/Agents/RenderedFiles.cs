namespace Wharf.Domain.Agents;

/// <summary>
/// <c>POST /api/agent/files</c>: the files an agent rendered from the application's templates into a rank's working
/// folder before it started; <c>GET /api/jobs/files?id=&amp;rank=</c> answers the same shape (without the agent id) for
/// debugging. Each start replaces the files of the previous one.
/// </summary>
/// <param name="AgentId">The agent (empty in answers to people).</param>
/// <param name="JobId">The job.</param>
/// <param name="Rank">The rank.</param>
/// <param name="Files">Every rendered file.</param>
public sealed record RenderedFiles(string AgentId, string JobId, int Rank, IReadOnlyList<RenderedFileContent> Files);
