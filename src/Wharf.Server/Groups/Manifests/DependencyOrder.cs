namespace Wharf.Server.Groups.Manifests;

/// <summary>Orders components so that each comes after those it depends on, keeping the file's order where it is free.</summary>
internal static class DependencyOrder
{
    /// <summary>The components in start order, or null with <paramref name="cycle"/> set (e.g. <c>a → b → a</c>).</summary>
    public static List<GroupComponent>? Sort(IReadOnlyList<GroupComponent> components, out List<string>? cycle)
    {
        var byName = components.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var placed = new HashSet<string>(StringComparer.Ordinal);
        var order = new List<GroupComponent>();
        while (order.Count < components.Count)
        {
            // Kahn's algorithm, taking the first ready component in file order each round (n is small).
            var next = components.FirstOrDefault(c => !placed.Contains(c.Name)
                && c.DependsOn.All(d => placed.Contains(d.Component) || !byName.ContainsKey(d.Component)));
            if (next is null)
            {
                cycle = FindCycle(components.Where(c => !placed.Contains(c.Name)).ToList(), byName);
                return null;
            }

            placed.Add(next.Name);
            order.Add(next);
        }

        cycle = null;
        return order;
    }

    /// <summary>Every component left is blocked, so following any unplaced dependency must come back round.</summary>
    private static List<string> FindCycle(List<GroupComponent> blocked, Dictionary<string, GroupComponent> byName)
    {
        var names = blocked.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var path = new List<string>();
        var current = blocked[0];
        while (!path.Contains(current.Name))
        {
            path.Add(current.Name);
            current = byName[current.DependsOn.First(d => names.Contains(d.Component)).Component];
        }

        var cycle = path[path.IndexOf(current.Name)..];
        cycle.Add(current.Name);
        return cycle;
    }
}
