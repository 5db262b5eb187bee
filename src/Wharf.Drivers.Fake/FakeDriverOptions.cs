using Wharf.Agent.Drivers;

namespace Wharf.Drivers.Fake;

/// <summary>Settings of the fake driver; a task's <see cref="TaskSpec.DriverConfig"/> overrides the defaults (see <see cref="FakeDriver"/>).</summary>
public sealed class FakeDriverOptions
{
    /// <summary>The pretend machine's process table; share one between drivers to model an agent restart.</summary>
    public FakeProcessTable Processes { get; init; } = new();

    /// <summary>The clock that run times and grace periods follow.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>How long a task runs when its config says nothing; <see cref="Timeout.InfiniteTimeSpan"/> runs until stopped.</summary>
    public TimeSpan DefaultRunFor { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>The exit code of a task that ends by itself, when its config says nothing.</summary>
    public int DefaultExitCode { get; init; }

    /// <summary>What the fake claims it can enforce.</summary>
    public DriverCapabilities Capabilities { get; init; } = new()
    {
        NetworkIsolation = false,
        PeerHostnames = false,
        EnforcedReadOnlyFiles = false,
        StopsProcessTree = true,
        RecoversTasks = true,
        Limitations = ["the fake driver runs nothing: tasks are pretend processes"],
    };
}
