using Wharf.Agent.Drivers;
using Wharf.Drivers.Fake;

namespace Wharf.Agent.Tests.Drivers;

public sealed class FakeDriverConformanceTests : DriverConformanceTests
{
    private readonly FakeProcessTable _machine = new();

    protected override IDriver CreateDriverCore() => new FakeDriver(new FakeDriverOptions { Processes = _machine });

    protected override TaskSpec Exiting(TaskSpec spec, int exitCode) =>
        Configured(spec, ("run_for", "0ms"), ("exit_code", exitCode.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    protected override TaskSpec Printing(TaskSpec spec, IReadOnlyList<string> stdout, IReadOnlyList<string> stderr) =>
        Configured(spec, ("run_for", "0ms"), ("stdout", string.Join('\n', stdout)), ("stderr", string.Join('\n', stderr)));

    protected override TaskSpec PrintingEnvironment(TaskSpec spec, IReadOnlyList<string> names) =>
        Configured(spec, ("run_for", "0ms"), ("print_env", string.Join(',', names)));

    protected override TaskSpec RunningUntilStopped(TaskSpec spec, bool ignoringStop) =>
        Configured(spec, ("run_for", "forever"), ("stdout", "started"), ("ignore_stop", ignoringStop ? "true" : "false"));

    protected override TaskSpec RunningWithGrandchild(TaskSpec spec) =>
        Configured(spec, ("run_for", "forever"), ("stdout", "started"), ("children", "2"));

    protected override TaskSpec FailingToStart(TaskSpec spec) => Configured(spec, ("start_error", "no such image"));

    protected override IReadOnlyList<int> ProcessesOf(TaskHandle handle) => _machine.ProcessesOf(handle);

    protected override bool IsAlive(int pid) => _machine.IsAlive(pid);

    protected override void KillBehindDriversBack(TaskHandle handle) => _machine.Kill(handle);

    private static TaskSpec Configured(TaskSpec spec, params (string Key, string Value)[] settings) =>
        spec with { DriverConfig = settings.ToDictionary(s => s.Key, s => s.Value) };
}
