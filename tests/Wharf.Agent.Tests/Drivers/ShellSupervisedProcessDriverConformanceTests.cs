using Wharf.Agent.Drivers;
using Wharf.Drivers.Process;

namespace Wharf.Agent.Tests.Drivers;

/// <summary>
/// The process driver where <c>wharf-task</c> was not built (no C compiler): the supervisor shell supervises every
/// task, also those that need no <c>ready</c>.
/// </summary>
public sealed class ShellSupervisedProcessDriverConformanceTests : ProcessDriverConformanceTests
{
    protected override IDriver CreateDriverCore() => new ProcessDriver(Options, HostFacilities.Current with { TaskSupervisor = null });
}
