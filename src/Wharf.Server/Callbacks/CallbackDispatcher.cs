using System.Net.Http.Headers;
using System.Text;
using Wharf.Domain.Serialization;
using Wharf.Server.Execution;
using Wharf.Storage;

namespace Wharf.Server.Callbacks;

/// <summary>
/// Delivers the callback outbox: a loop woken when a job with a callback changes (and when the earliest retry is
/// due), which POSTs each due message, signed, and records the attempt. A 2xx delivers it; anything else (a refused
/// connection, a timeout, another status) schedules it again after a backoff that doubles up to a cap. Everything it
/// needs is in the store, so after a restart it simply carries on: delivery is at least once, and receivers drop
/// repeats by the delivery id.
/// </summary>
internal sealed class CallbackDispatcher(
    IWharfStore store, JobFeed feed, CallbackSecret secret, WharfServerOptions options, ILogger<CallbackDispatcher> logger) : BackgroundService
{
    private const int BatchSize = 100;
    private static readonly TimeSpan IdleWait = TimeSpan.FromSeconds(30);

    private readonly WakeSignal _wake = new();
    private readonly CallbackOptions _options = options.Callbacks;
    private readonly TimeProvider _time = options.TimeProvider;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = feed.Subscribe(notice =>
        {
            if (notice is JobNotice.Changed { Job.Specification.Callback: not null })
            {
                _wake.Set();
            }
        });
        using var http = new HttpClient { Timeout = _options.RequestTimeout };
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var due = await store.Callbacks.ListDueAsync(_time.GetUtcNow(), BatchSize, stoppingToken);
                foreach (var message in due)
                {
                    await DeliverAsync(http, message, stoppingToken);
                }

                if (due.Count == BatchSize)
                {
                    continue;
                }

                var next = await store.Callbacks.NextDueAsync(stoppingToken);
                var wait = next is { } at ? at - _time.GetUtcNow() : IdleWait;
                wait = wait < TimeSpan.Zero ? TimeSpan.Zero : wait > IdleWait ? IdleWait : wait;
                await _wake.WaitAsync(wait, _time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "Delivering callbacks failed; trying again shortly");
                await Task.Delay(TimeSpan.FromSeconds(1), _time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private async Task DeliverAsync(HttpClient http, CallbackRecord message, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes(message.Payload);
        using var request = new HttpRequestMessage(HttpMethod.Post, message.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.TryAddWithoutValidation(CallbackMessages.SignatureHeader, secret.Sign(body));
        request.Headers.TryAddWithoutValidation(CallbackMessages.DeliveryHeader, message.DeliveryId);
        request.Headers.TryAddWithoutValidation(CallbackMessages.EventHeader, message.Event);

        int? status = null;
        string? error;
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            status = (int)response.StatusCode;
            error = response.IsSuccessStatusCode ? null : $"answered {status}";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            error = e is TaskCanceledException ? "timed out" : e.Message;
        }

        var now = WharfJson.ToMilliseconds(_time.GetUtcNow());
        if (error is null)
        {
            await store.Callbacks.RecordAttemptAsync(message.DeliveryId, now, now, status, null, CancellationToken.None);
            return;
        }

        var backoff = Backoff(message.Attempts);
        logger.LogInformation("Callback {DeliveryId} to {Url} failed ({Error}); next attempt in {Backoff}", message.DeliveryId, message.Url, error, backoff);
        await store.Callbacks.RecordAttemptAsync(message.DeliveryId, null, now + backoff, status, error, CancellationToken.None);
    }

    /// <summary>The wait after the failure of attempt number <paramref name="attemptsBefore"/> + 1.</summary>
    private TimeSpan Backoff(int attemptsBefore)
    {
        var factor = Math.Pow(2, Math.Min(attemptsBefore, 30));
        var wait = TimeSpan.FromTicks((long)Math.Min(_options.InitialBackoff.Ticks * factor, _options.MaxBackoff.Ticks));
        return wait;
    }
}
