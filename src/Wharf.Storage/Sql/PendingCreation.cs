namespace Wharf.Storage.Sql;

/// <summary>A creation waiting in the <see cref="CreationQueue"/>, and where its outcome goes once its batch is written.</summary>
/// <param name="Request">The jobs to create.</param>
/// <param name="Alongside">Rows written in the same transaction once the jobs have ids (a group's), or null.</param>
/// <param name="Cancellation">The caller's token: a creation cancelled before its batch starts is not written.</param>
internal sealed record PendingCreation(
    CreateJobsRequest Request,
    Func<SqlSession, IReadOnlyList<string>, CancellationToken, Task>? Alongside,
    CancellationToken Cancellation)
{
    /// <summary>Completed after the commit (or with the failure) of the batch that held this creation.</summary>
    public TaskCompletionSource<CreateJobsResult> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
