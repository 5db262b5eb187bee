namespace Wharf.Domain.Catalog;

/// <summary>
/// How the agent watches a rank, as monit does: a probe every <see cref="IntervalSeconds"/>; after
/// <see cref="FailureThreshold"/> failures in a row the rank is unhealthy and restarted with growing delays, and after
/// <see cref="MaxRestarts"/> restarts within <see cref="WindowSeconds"/> it is flapping and the job fails.
/// With a health check, a rank whose process ends without being asked to is restarted the same way.
/// </summary>
public sealed record ApplicationHealthCheck
{
    /// <summary><c>process</c> (alive), <c>tcp</c> (the port accepts a connection), <c>http</c> (GET answers 2xx or 3xx) or <c>command</c> (exits 0).</summary>
    public string Type { get; init; } = "process";

    /// <summary>For <c>tcp</c> and <c>http</c>: the name of the application's port to probe.</summary>
    public string? Port { get; init; }

    /// <summary>For <c>http</c>: the path to GET (default <c>/</c>).</summary>
    public string? Path { get; init; }

    /// <summary>For <c>command</c>: the program (relative to the working folder, or absolute) and its arguments.</summary>
    public IReadOnlyList<string> Command { get; init; } = [];

    /// <summary>Seconds between probes (default 10).</summary>
    public double IntervalSeconds { get; init; } = 10;

    /// <summary>Seconds a probe may take before it counts as failed (default 5).</summary>
    public double TimeoutSeconds { get; init; } = 5;

    /// <summary>Failed probes in a row that make the rank unhealthy (default 3).</summary>
    public int FailureThreshold { get; init; } = 3;

    /// <summary>Restarts within <see cref="WindowSeconds"/> after which the rank is flapping (default 5).</summary>
    public int MaxRestarts { get; init; } = 5;

    /// <summary>The window restarts are counted in, in seconds (default 300).</summary>
    public double WindowSeconds { get; init; } = 300;
}
