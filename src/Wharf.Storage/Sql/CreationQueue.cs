namespace Wharf.Storage.Sql;

/// <summary>
/// Group commit for job creation. Creations that arrive while a batch is being written wait, then go together in the
/// next write transaction: one BEGIN, one set of creation locks and one commit for all of them, where each used to
/// queue for the single writer with a transaction of its own. Each creation keeps its own outcome: in a batch of
/// several, each runs inside a savepoint, so one that throws leaves nothing behind and the others still commit.
/// Nobody gets an answer before the commit that made it durable. Each batch's creations are told of their commit
/// (<see cref="CreateJobsRequest.Committed"/>) in order, before any of them gets its answer.
/// </summary>
internal sealed class CreationQueue(SqlDatabase database, CreationQueue.WriteOne write)
{
    /// <summary>Writes one creation inside <paramref name="batch"/>'s transaction; a refusal is a result, not an exception.</summary>
    public delegate Task<CreateJobsResult> WriteOne(CreationBatch batch, PendingCreation creation, CancellationToken cancellationToken);

    /// <summary>Enough to fold a burst of single submits and two bulk requests into one transaction, few enough to keep it short.</summary>
    private const int MaxJobsPerBatch = 2_000;

    private const string Savepoint = "creation";

    private readonly Lock _gate = new();
    private readonly Queue<PendingCreation> _waiting = new();
    private bool _writing;

    /// <summary>Queues <paramref name="creation"/> and returns its outcome once its batch has committed.</summary>
    public async Task<CreateJobsResult> CreateAsync(PendingCreation creation)
    {
        bool lead;
        lock (_gate)
        {
            _waiting.Enqueue(creation);
            lead = !_writing;
            _writing = true;
        }

        if (lead)
        {
            // Nobody is writing: this caller writes now (its own creation and whatever joined it meanwhile), so a
            // lone creation costs no thread hop.
            await WriteWaitingAsync().ConfigureAwait(false);
        }

        return await creation.Outcome.Task.ConfigureAwait(false);
    }

    private async Task WriteWaitingAsync()
    {
        List<PendingCreation> batch;
        lock (_gate)
        {
            batch = TakeBatch();
        }

        await WriteBatchAsync(batch).ConfigureAwait(false);
        lock (_gate)
        {
            if (_waiting.Count == 0)
            {
                _writing = false;
                return;
            }
        }

        // Those who came while this batch was written go next, on a task of their own: the caller that led this
        // batch has its answer and should not wait for theirs.
        _ = Task.Run(WriteWaitingAsync);
    }

    private List<PendingCreation> TakeBatch()
    {
        var batch = new List<PendingCreation>();
        var jobs = 0;
        while (_waiting.TryPeek(out var next) && (batch.Count == 0 || jobs + next.Request.Jobs.Count <= MaxJobsPerBatch))
        {
            batch.Add(_waiting.Dequeue());
            jobs += next.Request.Jobs.Count;
        }

        return batch;
    }

    /// <summary>Writes <paramref name="batch"/> in one transaction and completes every outcome; never throws.</summary>
    private async Task WriteBatchAsync(List<PendingCreation> batch)
    {
        var live = new List<PendingCreation>(batch.Count);
        foreach (var creation in batch)
        {
            if (creation.Cancellation.IsCancellationRequested)
            {
                creation.Outcome.TrySetCanceled(creation.Cancellation);
            }
            else
            {
                live.Add(creation);
            }
        }

        if (live.Count == 0)
        {
            return;
        }

        var outcomes = new (CreateJobsResult? Result, Exception? Error)[live.Count];
        Exception? failure = null;
        try
        {
            // Refusals write nothing and are results, so usually every creation succeeds or is refused and the batch
            // needs no savepoints. Only a creation that throws half-way needs one: then nothing of this attempt is
            // kept and the batch is written again, each creation inside its own savepoint. A batch of one is never
            // written again: its failure is its outcome, and the rollback left nothing else behind.
            if (live.Count == 1 || !await TryWriteAsync(live, outcomes, guarded: false).ConfigureAwait(false))
            {
                await TryWriteAsync(live, outcomes, guarded: true).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            failure = e;
        }

        if (failure is not null)
        {
            // Nothing of the batch was committed: every creation in it fails with what stopped the transaction.
            foreach (var creation in live)
            {
                creation.Outcome.TrySetException(failure);
            }

            return;
        }

        foreach (var (creation, (result, _)) in live.Zip(outcomes))
        {
            if (result is CreateJobsResult.Created created && creation.Request.Committed is { } committed)
            {
                try
                {
                    committed(created);
                }
                catch (Exception)
                {
                    // It must not throw; should it, the jobs are committed all the same and every creation keeps its outcome.
                }
            }
        }

        for (var i = 0; i < live.Count; i++)
        {
            if (outcomes[i].Error is { } error)
            {
                live[i].Outcome.TrySetException(error);
            }
            else
            {
                live[i].Outcome.TrySetResult(outcomes[i].Result!);
            }
        }
    }

    /// <summary>
    /// Writes <paramref name="live"/> in one transaction and commits it, filling <paramref name="outcomes"/>. Unguarded,
    /// answers false, committing nothing, as soon as a creation throws; guarded (each creation in a savepoint), a
    /// creation's exception is its outcome. An exception that escapes means nothing was committed; one from closing
    /// the session after the commit is swallowed, since the rows are durable and each creation keeps its outcome.
    /// </summary>
    private async Task<bool> TryWriteAsync(List<PendingCreation> live, (CreateJobsResult? Result, Exception? Error)[] outcomes, bool guarded)
    {
        var committed = false;
        try
        {
            // The shared steps run without any one caller's token: one caller giving up must not abort the others.
            await using var session = await database.BeginWriteAsync(CancellationToken.None).ConfigureAwait(false);
            var lockNames = live.SelectMany(c => LockNames(c.Request)).Distinct(StringComparer.Ordinal).ToList();
            await using var context = new CreationBatch(database, session, live.Sum(c => c.Request.Jobs.Count));
            await context.OpenAsync(
                lockNames, live.SelectMany(c => c.Request.Jobs).Select(j => j.Status.Queue).Distinct(StringComparer.Ordinal).ToList(),
                CancellationToken.None).ConfigureAwait(false);
            for (var i = 0; i < live.Count; i++)
            {
                if (guarded)
                {
                    outcomes[i] = await WriteGuardedAsync(context, live[i]).ConfigureAwait(false);
                    continue;
                }

                try
                {
                    outcomes[i] = (await write(context, live[i], live[i].Cancellation).ConfigureAwait(false), null);
                }
                catch (Exception) when (live.Count > 1)
                {
                    // Disposing the session rolls back all of this attempt; the caller writes the batch again, guarded.
                    return false;
                }
            }

            try
            {
                await context.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception) when (!guarded && live.Count > 1)
            {
                return false; // one creation's rows broke the shared insert: the batch is written again, guarded
            }

            await session.CommitAsync(CancellationToken.None).ConfigureAwait(false);
            committed = true;
        }
        catch (Exception) when (committed)
        {
        }

        return true;
    }

    /// <summary>
    /// Writes one creation of a larger batch inside a savepoint. Its exception is its own outcome; only a failure to
    /// roll back to the savepoint (the transaction itself is broken) escapes, and fails the batch.
    /// </summary>
    private async Task<(CreateJobsResult? Result, Exception? Error)> WriteGuardedAsync(CreationBatch context, PendingCreation creation)
    {
        var transaction = context.Session.Transaction!;
        await transaction.SaveAsync(Savepoint, CancellationToken.None).ConfigureAwait(false);
        context.Mark();
        try
        {
            var result = await write(context, creation, creation.Cancellation).ConfigureAwait(false);
            await context.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            await transaction.ReleaseAsync(Savepoint, CancellationToken.None).ConfigureAwait(false);
            return (result, null);
        }
        catch (Exception e)
        {
            await transaction.RollbackAsync(Savepoint, CancellationToken.None).ConfigureAwait(false);
            await transaction.ReleaseAsync(Savepoint, CancellationToken.None).ConfigureAwait(false);
            context.Restore();
            return (null, e);
        }
    }

    /// <summary>The creation locks a request needs: its owner (idempotency keys, duplicates) and each queue it adds to (positions, door keys).</summary>
    private static IEnumerable<string> LockNames(CreateJobsRequest request) =>
        [
            $"owner\0{request.Owner.Project}\0{request.Owner.CreatedBy}",
            .. request.Jobs.Select(j => j.Status.Queue).Distinct(StringComparer.Ordinal).Select(q => $"queue\0{q}"),
        ];
}
