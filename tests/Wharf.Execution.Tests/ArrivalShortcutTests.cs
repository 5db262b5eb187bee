using Wharf.Domain.Agents;
using Wharf.Domain.Catalog;
using Wharf.Domain.Jobs;
using Wharf.Scheduling;
using Wharf.Server;
using Wharf.Server.Execution;
using Wharf.Storage;

namespace Wharf.Execution.Tests;

/// <summary>
/// The index's shortcut past full passes (<see cref="ExecutionIndex.ExplainArrivals"/>): two indexes get the same
/// jobs and nodes; after new jobs come, one takes the shortcut and the other runs a full pass, and retrieve's reason
/// and explain must read the same for every waiting job. Where the shortcut must not apply, it declines.
/// </summary>
public sealed class ArrivalShortcutTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void WithNoNodes_NewJobsReadAsAfterAFullPass()
    {
        var pair = new IndexPair();
        pair.Apply(Waiting(1), Waiting(2, product: "big"));
        pair.FullPass();

        pair.Apply(Waiting(3), Waiting(4, product: "big"));

        Assert.True(pair.Shortcut.ExplainArrivals(Now));
        pair.AssertSameAsFullPass(1, 2, 3, 4);
        Assert.NotNull(pair.Shortcut.WaitingReason("4"));
    }

    [Fact]
    public void WithNodesFull_NewJobsOfFailedShapesReadAsAfterAFullPass()
    {
        var pair = new IndexPair();
        pair.AddNode("n1", cpu: 2);
        pair.Apply(Running(1, "n1", product: "double"), Waiting(2), Waiting(3, product: "big"));
        pair.FullPass();

        pair.Apply(Waiting(4), Waiting(5, product: "big"), Waiting(6));

        Assert.True(pair.Shortcut.ExplainArrivals(Now));
        pair.AssertSameAsFullPass(2, 3, 4, 5, 6);
        Assert.Contains("cpu", pair.Shortcut.WaitingReason("4"), StringComparison.Ordinal);
        Assert.Equal(1, pair.Shortcut.Explain("4")!.NodesConsidered);
    }

    [Fact]
    public void ANewJobOfAShapeThatFits_IsLeftToAFullPass_WhichPlacesIt()
    {
        var pair = new IndexPair();
        pair.AddNode("n1", cpu: 4);
        pair.Apply(Waiting(1, product: "big"));
        pair.FullPass();

        pair.Apply(Waiting(2));

        Assert.False(pair.Shortcut.ExplainArrivals(Now));
        Assert.Equal("2", Assert.Single(pair.FullPass().Placements).JobId);
    }

    [Fact]
    public void ANewJobAheadInPriority_IsLeftToAFullPass()
    {
        var pair = new IndexPair();
        pair.Apply(Waiting(5, priority: 50), Waiting(6, priority: 60));
        pair.FullPass();

        pair.Apply(Waiting(7, priority: 10));

        Assert.False(pair.Shortcut.ExplainArrivals(Now));
    }

    [Fact]
    public void InAQueueWithoutBackfill_NewJobsWaitBehindTheOthers_AsAfterAFullPass()
    {
        var scheduler = new SchedulerOptions { Queues = [new QueuePolicy { Name = "strict", Backfill = false }] };
        var pair = new IndexPair(new ExecutionOptions { Scheduler = scheduler });
        pair.AddNode("n1", cpu: 4);
        pair.Apply(Waiting(1, product: "big", queue: "strict"), Waiting(2, product: "big", queue: "strict"));
        pair.FullPass();

        pair.Apply(Waiting(3, queue: "strict"), Waiting(4, queue: "strict"));

        Assert.True(pair.Shortcut.ExplainArrivals(Now));
        pair.AssertSameAsFullPass(1, 2, 3, 4);
        Assert.Equal("waiting: 3 jobs ahead in queue strict", pair.Shortcut.WaitingReason("4"));
    }

    [Fact]
    public void PastAFullWindow_AndWaitingForADependency_NewJobsReadAsAfterAFullPass()
    {
        var pair = new IndexPair(new ExecutionOptions { JobsPerQueuePerPass = 2 });
        pair.Apply(Waiting(1), Waiting(2), Waiting(3));
        pair.FullPass();

        pair.Apply(Waiting(4), Waiting(5, priority: 1, dependsOn: 1));

        Assert.True(pair.Shortcut.ExplainArrivals(Now));
        pair.AssertSameAsFullPass(1, 2, 3, 4, 5);
        Assert.Equal("waiting: more than 2 jobs ahead in queue 'default'", pair.Shortcut.WaitingReason("4"));
        Assert.Equal("waiting: dependency job 1 is not running yet", pair.Shortcut.WaitingReason("5"));

        // Between the last job of the window and its end: a full pass would end the window there.
        pair.Apply(Waiting(6, priority: 2, dependsOn: 1));
        Assert.False(pair.Shortcut.ExplainArrivals(Now));
    }

    [Fact]
    public void AfterAnythingButNewJobsChanges_TheShortcutDeclines()
    {
        var pair = new IndexPair();
        pair.Apply(Waiting(1), Waiting(2));
        pair.FullPass();

        pair.Apply(Waiting(3), Waiting(1) with { Version = 2, Status = new JobStatus { State = JobState.Failure } });

        Assert.False(pair.Shortcut.ExplainArrivals(Now));

        pair.FullPass();
        pair.AddNode("n1", cpu: 1);
        Assert.False(pair.Shortcut.ExplainArrivals(Now));
    }

    private static Job Waiting(long id, string product = "small", long? priority = null, string queue = "default", long? dependsOn = null) => new()
    {
        Id = id.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Owner = new Owner("alice", "p1"),
        Specification = new JobSpecification
        {
            Application = new NameAndVersion("app", "1"),
            Product = new ProductReference(product, "compute", "test"),
            DependsOn = dependsOn is { } d ? [new JobDependency(d.ToString(System.Globalization.CultureInfo.InvariantCulture), null)] : null,
        },
        Status = new JobStatus { State = JobState.InQueue, Queue = queue, Priority = priority ?? id },
        CreatedAt = Now,
        Version = 1,
    };

    private static Job Running(long id, string nodeId, string product) => Waiting(id, product) with
    {
        Status = new JobStatus { State = JobState.Running, Priority = id, Ranks = [new RankStatus(0, nodeId, RankState.Running)] },
    };

    private static Product? FindProduct(ProductReference reference) => new()
    {
        Id = reference.Id!,
        Category = "compute",
        Provider = "test",
        Cpu = reference.Id switch { "big" => 16, "double" => 2, _ => 1 },
        MemoryInGigs = 1,
    };

    /// <summary>Two indexes fed alike: <see cref="Shortcut"/> may take the shortcut, <see cref="Full"/> always runs full passes.</summary>
    private sealed class IndexPair(ExecutionOptions? options = null)
    {
        private readonly ExecutionOptions _options = options ?? new ExecutionOptions();

        public ExecutionIndex Shortcut { get; } = new(FindProduct, TimeProvider.System, options ?? new ExecutionOptions());

        public ExecutionIndex Full { get; } = new(FindProduct, TimeProvider.System, options ?? new ExecutionOptions());

        public void Apply(params Job[] jobs)
        {
            foreach (var job in jobs)
            {
                Shortcut.Apply(job);
                Full.Apply(job);
            }
        }

        public void AddNode(string id, double cpu)
        {
            var agent = new AgentRecord("a-" + id, id, "agent", AgentState.Active, Now, Now, Now.AddMinutes(5));
            var node = new NodeRecord(id, agent.Id, new NodeRegistration(id, new NodeResources(cpu, 64)), NodeState.Ready, false, Now);
            Shortcut.Register(agent, [node]);
            Full.Register(agent, [node]);
        }

        /// <summary>A full pass on both; the plan of <see cref="Full"/>'s.</summary>
        public SchedulingPlan FullPass()
        {
            Pass(Shortcut);
            return Pass(Full)!;
        }

        /// <summary>Runs a full pass on <see cref="Full"/> and compares what both say of each job.</summary>
        public void AssertSameAsFullPass(params long[] ids)
        {
            Assert.Empty(Pass(Full)!.Placements);
            foreach (var id in ids.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            {
                Assert.Equal(Full.WaitingReason(id), Shortcut.WaitingReason(id));
                var (expected, actual) = (Full.Explain(id)!, Shortcut.Explain(id)!);
                Assert.Equal((expected.Queue, expected.JobsAhead, expected.Reason, expected.NodesConsidered), (actual.Queue, actual.JobsAhead, actual.Reason, actual.NodesConsidered));
                Assert.Equal(expected.Failures.OrderBy(kv => kv.Key), actual.Failures.OrderBy(kv => kv.Key));
            }
        }

        private SchedulingPlan? Pass(ExecutionIndex index)
        {
            var snapshot = index.Snapshot(Now);
            if (snapshot is null)
            {
                return null;
            }

            var plan = new Matchmaker(_options.Scheduler).Schedule(snapshot);
            index.Record(plan, QuietPass.Of(_options.Scheduler, snapshot, plan));
            return plan;
        }
    }
}
