using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Wharf.Bench.Server;

/// <summary>A caller of Wharf's public jobs API as one user of project <c>bench</c>; jobs run <c>/bin/true</c>.</summary>
internal sealed class BenchClient : IDisposable
{
    private readonly HttpClient _http;
    private int _sequence;

    private BenchClient(HttpClient http, string token)
    {
        _http = http;
        Token = token;
    }

    public Uri BaseAddress => _http.BaseAddress!;

    /// <summary>The user's bearer token, for load generators outside this process.</summary>
    public string Token { get; }

    /// <summary>Issues a user token with the admin token, and returns a client acting as that user.</summary>
    public static async Task<BenchClient> CreateUserAsync(Uri baseAddress, string adminToken)
    {
        using var admin = NewHttp(baseAddress, adminToken);
        using var response = await admin.PostAsync(
            new Uri("api/tokens", UriKind.Relative),
            new StringContent("""{"role":"user","user":"bench","project":"bench","name":"bench"}""", Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"token: {(int)response.StatusCode} {body}");
        using var json = JsonDocument.Parse(body);
        var token = json.RootElement.GetProperty("token").GetString()!;
        return new BenchClient(NewHttp(baseAddress, token), token);
    }

    /// <summary>Writes the benchmark's catalog: application <c>bench-true</c> (runs /bin/true) and product <c>bench</c>.</summary>
    public static void WriteCatalog(string directory, double cpu)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "bench-true.yaml"), """
            name: bench-true
            version: 1.0.0
            title: true
            description: Exits at once with status 0
            command: ["/bin/true"]
            parameters: []
            ports: []
            environment: {}
            """);
        File.WriteAllText(Path.Combine(directory, "bench.product.yaml"), $"""
            id: bench
            category: bench
            provider: bench
            cpu: {cpu.ToString(CultureInfo.InvariantCulture)}
            memoryInGigs: 0.01
            gpu: 0
            description: A sliver of a core for trivial jobs
            """);
    }

    /// <summary>Submits <paramref name="count"/> jobs in one request; returns their ids in order.</summary>
    public async Task<List<long>> SubmitAsync(int count)
    {
        var body = new StringBuilder(count * 220 + 16).Append("{\"items\":[");
        for (var i = 0; i < count; i++)
        {
            if (i > 0) body.Append(',');
            var n = Interlocked.Increment(ref _sequence);
            body.Append("{\"application\":{\"name\":\"bench-true\",\"version\":\"1.0.0\"},\"product\":{\"id\":\"bench\",\"category\":\"bench\",\"provider\":\"bench\"},")
                .Append("\"name\":\"b").Append(n.ToString(CultureInfo.InvariantCulture)).Append("\",\"replicas\":1,\"allowDuplicateJob\":true,\"parameters\":{}}");
        }

        body.Append("]}");
        using var response = await _http.PostAsync(new Uri("api/jobs", UriKind.Relative), new StringContent(body.ToString(), Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"submit: {(int)response.StatusCode} {text}");
        using var json = JsonDocument.Parse(text);
        return json.RootElement.GetProperty("responses").EnumerateArray()
            .Select(r => long.Parse(r.GetProperty("id").GetString()!, CultureInfo.InvariantCulture)).ToList();
    }

    public async Task<JsonDocument> GetAsync(string pathAndQuery)
    {
        using var response = await _http.GetAsync(new Uri(pathAndQuery, UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"GET {pathAndQuery}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text);
    }

    public void Dispose() => _http.Dispose();

    private static HttpClient NewHttp(Uri baseAddress, string token)
    {
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64, PooledConnectionLifetime = TimeSpan.FromMinutes(30) })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromMinutes(5),
        };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }
}
