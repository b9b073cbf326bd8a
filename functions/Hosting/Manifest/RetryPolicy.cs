namespace NginxPulse.Functions.Hosting.Manifest;

public enum RetryStrategy { FixedDelay, ExponentialBackoff }

/// <summary>The function.json `retry` section (contract 3.5); -1 retries means forever.</summary>
public sealed record RetryPolicy(RetryStrategy Strategy, int MaxRetryCount, TimeSpan MinimumInterval, TimeSpan MaximumInterval)
{
    /// <summary>
    /// What the standalone consumer uses when function.json has no retry section: it never skips a batch,
    /// so it needs some backoff; these bounds keep a down database from being hammered.
    /// </summary>
    public static readonly RetryPolicy StandaloneDefault =
        new(RetryStrategy.ExponentialBackoff, -1, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));

    /// <summary>Delay before retry number <paramref name="attempt"/> (1 = first retry).</summary>
    public TimeSpan DelayBefore(int attempt)
    {
        if (Strategy == RetryStrategy.FixedDelay || attempt <= 1) return MinimumInterval;
        var factor = Math.Pow(2, Math.Min(attempt - 1, 30));
        var ticks = Math.Min(MaximumInterval.Ticks, MinimumInterval.Ticks * factor);
        return TimeSpan.FromTicks((long)ticks);
    }
}
