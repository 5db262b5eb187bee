using Wharf.Domain.Agents;

namespace Wharf.Cli.Output;

/// <summary>The files rendered for a job's ranks, as <c>wharf show ID --files</c> prints them: a header per file, then its text.</summary>
internal static class RenderedFilesText
{
    public static async Task WriteAsync(TextWriter writer, IReadOnlyList<RenderedFiles> ranks)
    {
        foreach (var rank in ranks)
        {
            if (rank.Files.Count == 0)
            {
                // The agent sends them when the rank starts; an application without templates has none.
                await writer.WriteLineAsync($"== rank {rank.Rank}: no rendered files (not started yet, or no templates)").ConfigureAwait(false);
                continue;
            }

            foreach (var file in rank.Files)
            {
                await writer.WriteLineAsync($"== rank {rank.Rank}: {file.Path}{(file.Executable ? " (executable)" : "")}").ConfigureAwait(false);
                await writer.WriteAsync(file.Content).ConfigureAwait(false);
                if (file.Content.Length > 0 && !file.Content.EndsWith('\n'))
                {
                    await writer.WriteLineAsync().ConfigureAwait(false);
                }
            }
        }
    }
}
