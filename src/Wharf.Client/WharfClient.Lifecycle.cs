using Wharf.Domain.Agents;

namespace Wharf.Client;

public partial class WharfClient
{
    /// <summary>Sends the files rendered for a rank before it started (<c>POST /api/agent/files</c>, agent tokens).</summary>
    public Task UploadRenderedFilesAsync(RenderedFiles files, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        return PostAsync<RenderedFiles, Nothing>("api/agent/files", files, cancellationToken);
    }

    /// <summary>The files rendered for one rank of a job (<c>GET /api/jobs/files?id=&amp;rank=</c>).</summary>
    public Task<RenderedFiles> GetRenderedFilesAsync(string id, int rank, CancellationToken cancellationToken) =>
        GetAsync<RenderedFiles>($"api/jobs/files?id={Uri.EscapeDataString(id)}&rank={rank}", cancellationToken);
}
