namespace Wharf.Agent.Drivers;

/// <summary>A file or folder of the file store that a job sees in its working folder.</summary>
public sealed record FileMount
{
    /// <summary>The parameter's name; the job finds the path it sees in <c>WHARF_FILE_&lt;NAME&gt;</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The absolute path on the host, in the file store (<c>{data}/files/&lt;project&gt;/&lt;path&gt;</c>); it must exist.</summary>
    public required string HostPath { get; init; }

    /// <summary>Where the job sees it: a path relative to its working folder (no <c>..</c>).</summary>
    public required string JobPath { get; init; }

    /// <summary>The job may read but not change it.</summary>
    public bool ReadOnly { get; init; }
}
