using Wharf.Agent.Drivers;
using Wharf.Drivers.Process;

namespace Wharf.Agent.Tests.Drivers;

/// <summary>
/// The process driver with <c>wharf-task</c> started as a program of its own for each task (no resident launcher):
/// what the driver falls back to when the launcher cannot be started.
/// </summary>
public sealed class ExecSupervisedProcessDriverConformanceTests : ProcessDriverConformanceTests
{
    protected override IDriver CreateDriverCore() => new ProcessDriver(Options, HostFacilities.Current with { KeepsLauncher = false });
}
