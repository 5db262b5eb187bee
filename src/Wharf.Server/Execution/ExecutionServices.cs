using Wharf.Domain.Jobs;
using Wharf.Server.Api;
using Wharf.Server.Catalog;

namespace Wharf.Server.Execution;

/// <summary>Registers the execution side of the server (index, scheduler, agents' API, timers, logs) and maps its routes.</summary>
internal static class ExecutionServices
{
    /// <summary>
    /// Adds the execution services. <paramref name="feed"/> is the feed the store given to the server publishes on
    /// (see <see cref="ObservedStore"/>).
    /// </summary>
    public static IServiceCollection AddExecution(this IServiceCollection services, ExecutionOptions options, JobFeed feed)
    {
        services.AddSingleton(options);
        services.AddSingleton(feed);
        services.AddSingleton(provider => new ExecutionIndex(
            provider.GetRequiredService<CatalogCache>().FindProduct, provider.GetRequiredService<TimeProvider>(), options));
        services.AddSingleton<Scheduler>();
        services.AddSingleton<ExpiryTimers>();
        services.AddSingleton<AgentLeases>();
        services.AddSingleton<LeaseWatchdog>();
        services.AddSingleton<AgentReports>();
        services.AddSingleton<TaskAssignments>();
        services.AddSingleton<AgentWorkSource>();
        services.AddSingleton<JobLogs>();
        services.AddSingleton<JobFollow>();
        services.AddSingleton<QueueMoves>();
        services.AddSingleton<ChangeRelay>();
        services.AddHostedService<ExecutionRuntime>();
        return services;
    }

    /// <summary>Maps the agent protocol, explain/logs/follow/move, queues and nodes.</summary>
    public static void MapExecution(this IEndpointRouteBuilder routes)
    {
        AgentApi.Map(routes);
        JobExecutionApi.Map(routes);
        QueuesApi.Map(routes);
        NodesApi.Map(routes);
        LifecycleApi.Map(routes);
    }

    /// <summary>The job as people should see it: a waiting job's reason is the scheduler's latest word on it, kept in memory only.</summary>
    public static Job WithWaitingReason(this ExecutionIndex index, Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return job.Status.State == JobState.InQueue && index.WaitingReason(job.Id) is { } reason && reason != job.Status.Reason
            ? job with { Status = job.Status with { Reason = reason } }
            : job;
    }
}
