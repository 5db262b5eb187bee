namespace Wharf.Scheduling;

/// <summary>The keys of <see cref="JobExplanation.NodeFailures"/>: the check a node failed first, in the order they are made.</summary>
public static class NodeFailures
{
    /// <summary>The node drains or is cordoned.</summary>
    public const string NotSchedulable = "node not schedulable";

    /// <summary>The job targets another node.</summary>
    public const string NotTargetNode = "not the target node";

    /// <summary>The node does not offer the job's product.</summary>
    public const string ProductNotOffered = "product not offered";

    /// <summary>Not enough free CPU for the instance (or not enough CPU at all).</summary>
    public const string InsufficientCpu = "insufficient cpu";

    /// <summary>Not enough free memory.</summary>
    public const string InsufficientMemory = "insufficient memory";

    /// <summary>Not enough free GPUs.</summary>
    public const string InsufficientGpu = "insufficient gpu";

    /// <summary>Not enough free disk.</summary>
    public const string InsufficientDisk = "insufficient disk";

    /// <summary>The capacity is free but held for an older job that waits for more of it.</summary>
    public const string HeldForOtherJob = "capacity held for an older job";

    /// <summary>The node lacks the label <paramref name="key"/> with <paramref name="value"/>: <c>label key=value</c>.</summary>
    public static string Label(string key, string value) => $"label {key}={value}";

    internal static readonly string[] Insufficient = [InsufficientCpu, InsufficientMemory, InsufficientGpu, InsufficientDisk];
}
