namespace Wharf.Drivers.Process;

/// <summary>
/// The processes of one task: the session its leader opened with setsid, children and grandchildren included,
/// also those that moved to a process group of their own within it. Processes that open a new session of their own
/// escape it; isolated tasks are also swept by network namespace when their job's last rank stops.
/// </summary>
internal static class ProcessSession
{
    private static readonly Lazy<int> OwnSession = new(() => ProcStat.Read(Environment.ProcessId)?.Session ?? -1);

    /// <summary>
    /// The live processes of the session that the process <paramref name="sessionId"/>, started at
    /// <paramref name="leaderStartTime"/>, opened. A session id is not reused while the session has members; so when
    /// another process now leads a session with that id, the task's session is gone and nothing belongs to it.
    /// </summary>
    public static List<int> Members(int sessionId, long leaderStartTime)
    {
        // No shortcut through kill(-sessionId, 0): ESRCH says only that the leader's process group is empty (members
        // may have moved to other groups of the session), and success may come from zombies no one has reaped yet.
        var members = ProcStat.InSession(sessionId).Where(s => !s.IsDead).ToList();
        if (members.Any(s => s.ProcessId == sessionId && s.StartTime != leaderStartTime))
        {
            return [];
        }

        return [.. members.Select(s => s.ProcessId)];
    }

    /// <summary>Sends a signal to the session's process group and to each of its members.</summary>
    public static void Signal(int sessionId, long leaderStartTime, int signal)
    {
        if (sessionId <= 1 || sessionId == OwnSession.Value)
        {
            // Never the agent's own session (or init): that would signal the agent and everything around it.
            return;
        }

        var members = Members(sessionId, leaderStartTime);
        if (members.Count == 0)
        {
            return;
        }

        // The group first, so processes forked meanwhile in the group are hit; then members in other groups of the session.
        Libc.Kill(-sessionId, signal);
        foreach (var pid in members)
        {
            Libc.Kill(pid, signal);
        }
    }
}
