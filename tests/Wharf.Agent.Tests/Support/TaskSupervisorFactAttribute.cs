using Wharf.Drivers.Process;

namespace Wharf.Agent.Tests.Support;

/// <summary>
/// A test of <c>wharf-task</c>, the fast path's supervisor; skipped where it was not built (no C compiler, not Linux),
/// except in CI (<c>CI=true</c>), whose set-up installs a compiler: there the test runs, and fails without it.
/// </summary>
public sealed class TaskSupervisorFactAttribute : FactAttribute
{
    public TaskSupervisorFactAttribute()
    {
        if (HostFacilities.Current.TaskSupervisor is null && Environment.GetEnvironmentVariable("CI") != "true")
        {
            Skip = "wharf-task was not built beside the driver (it needs a C compiler on Linux)";
        }
    }
}
