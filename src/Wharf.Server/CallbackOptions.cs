namespace Wharf.Server;

/// <summary>How callbacks (webhooks) are signed and retried.</summary>
public sealed class CallbackOptions
{
    /// <summary>
    /// The HMAC-SHA256 key callbacks are signed with. When null, the key in <c>{data}/callback.secret</c> is used,
    /// made (32 random bytes, hex, mode 0600) on the first start.
    /// </summary>
    public string? Secret { get; init; }

    /// <summary>The wait before the first retry; each further retry waits twice as long, up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two attempts.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long one attempt may take before it counts as failed.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
