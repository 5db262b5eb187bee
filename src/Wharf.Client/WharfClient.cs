using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Wharf.Domain.Serialization;

namespace Wharf.Client;

/// <summary>
/// The typed client of Wharf's native HTTP API. The CLI, the agent and the tests talk to a server only through it.
/// Every unsuccessful answer becomes a <see cref="WharfApiException"/> carrying the problem's code and field errors.
/// </summary>
/// <remarks>
/// The request primitives (<see cref="SendAsync{TResponse}"/> and friends) are open to subclasses, so that other
/// protocols on the same server (the agent's) are built on the same authentication and error handling.
/// </remarks>
public partial class WharfClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly Uri _baseAddress;
    private readonly string? _token;

    /// <summary>Creates a client of the server at <paramref name="baseAddress"/>, sending <paramref name="token"/> as a bearer token.</summary>
    public WharfClient(Uri baseAddress, string? token)
        : this(new HttpClient { BaseAddress = baseAddress }, token, ownsHttpClient: true)
    {
    }

    /// <summary>
    /// Creates a client over an <see cref="HttpClient"/> the caller configured and keeps owning; its
    /// <see cref="HttpClient.BaseAddress"/> must be set. <paramref name="token"/>, when given, is sent as a bearer
    /// token on every request (the shared client's default headers are left alone).
    /// </summary>
    public WharfClient(HttpClient httpClient, string? token = null)
        : this(httpClient, token, ownsHttpClient: false)
    {
    }

    private WharfClient(HttpClient httpClient, string? token, bool ownsHttpClient)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        var baseAddress = httpClient.BaseAddress
            ?? throw new ArgumentException("the HttpClient needs a BaseAddress", nameof(httpClient));
        if (!baseAddress.IsAbsoluteUri)
        {
            throw new ArgumentException($"the base address '{baseAddress}' is not absolute", nameof(httpClient));
        }

        // Routes are resolved relative to the base, so a server behind a path prefix (https://host/wharf/) works.
        _baseAddress = baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/");
        _http = httpClient;
        _ownsHttp = ownsHttpClient;
        _token = string.IsNullOrWhiteSpace(token) ? null : token.Trim();
    }

    /// <summary>The server's base address, always ending in <c>/</c>.</summary>
    public Uri BaseAddress => _baseAddress;

    /// <summary>The JSON options of Wharf's documents (Domain's <see cref="WharfJson"/>).</summary>
    protected static JsonSerializerOptions JsonOptions => WharfJson.Options;

    /// <summary>True when the server answers <c>GET /readyz</c> with success (its store is reachable).</summary>
    public async Task<bool> IsReadyAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, Resolve("readyz"));
            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>
    /// Sends a request to <paramref name="relativeUri"/> (relative to the base, without a leading <c>/</c>) and reads
    /// the JSON answer as <typeparamref name="TResponse"/>. Throws <see cref="WharfApiException"/> for an error answer.
    /// </summary>
    protected internal async Task<TResponse> SendAsync<TResponse>(
        HttpMethod method, string relativeUri, HttpContent? content, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, Resolve(relativeUri)) { Content = content };
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await SendRequestAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken)
            .ConfigureAwait(false);
        if (typeof(TResponse) == typeof(Nothing))
        {
            return default!;
        }

        var result = await response.Content.ReadFromJsonAsync<TResponse>(JsonOptions, cancellationToken).ConfigureAwait(false);
        return result ?? throw new InvalidDataException($"the server answered {method} /{relativeUri} with an empty document");
    }

    /// <summary>Sends a GET and reads the JSON answer.</summary>
    protected internal Task<TResponse> GetAsync<TResponse>(string relativeUri, CancellationToken cancellationToken) =>
        SendAsync<TResponse>(HttpMethod.Get, relativeUri, null, cancellationToken);

    /// <summary>Sends <paramref name="body"/> as JSON with a POST and reads the JSON answer.</summary>
    protected internal Task<TResponse> PostAsync<TRequest, TResponse>(
        string relativeUri, TRequest body, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? headers = null) =>
        SendAsync<TResponse>(HttpMethod.Post, relativeUri, JsonBody(body), cancellationToken, headers);

    /// <summary>
    /// Sends a prepared request with the bearer token added, and returns the successful answer, which the caller
    /// disposes (for streams, pass <see cref="HttpCompletionOption.ResponseHeadersRead"/>). Throws
    /// <see cref="WharfApiException"/> for an error answer.
    /// </summary>
    protected internal async Task<HttpResponseMessage> SendRequestAsync(
        HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_token is not null && request.Headers.Authorization is null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        }

        var response = await _http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await ProblemReader.ReadAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The absolute address of a route given relative to the base address.</summary>
    protected internal Uri Resolve(string relativeUri) => new(_baseAddress, relativeUri.TrimStart('/'));

    /// <summary>A JSON request body in Wharf's shape.</summary>
    protected static HttpContent JsonBody<T>(T value) => JsonContent.Create(value, options: JsonOptions);

    /// <summary>A YAML request body (<c>application/yaml</c>), for catalog documents sent as written.</summary>
    protected static HttpContent YamlBody(string yaml) => new StringContent(yaml, Encoding.UTF8, "application/yaml");

    /// <summary>Releases the HttpClient when this client created it.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the HttpClient when this client created it.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing && _ownsHttp)
        {
            _http.Dispose();
        }
    }
}
