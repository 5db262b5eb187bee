using Wharf.Agent.Drivers;

namespace Wharf.Drivers.Fake;

/// <summary>A pretend task: a leader and its children, alive until it ends by itself, is stopped or is killed.</summary>
internal sealed class FakeProcess(int pid, IReadOnlyList<int> children)
{
    private readonly TaskCompletionSource<ExitResult> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Pid { get; } = pid;

    public IReadOnlyList<int> Children { get; } = children;

    public Task<ExitResult> Exit => _exit.Task;

    /// <summary>Whether the exit was seen and recorded (as the process driver's supervisor records it); a killed process leaves no record.</summary>
    public bool Recorded { get; private set; }

    public CancellationTokenSource Running { get; } = new();

    public bool IsAlive(int pid) => !Exit.IsCompleted && (pid == Pid || Children.Contains(pid));

    public void End(ExitResult result, bool recorded)
    {
        lock (_exit)
        {
            if (_exit.Task.IsCompleted)
            {
                return;
            }

            Recorded = recorded;
            _exit.TrySetResult(result);
        }

        Running.Cancel();
    }
}
