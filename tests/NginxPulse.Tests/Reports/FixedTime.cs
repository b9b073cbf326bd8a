namespace NginxPulse.Tests.Reports;

/// <summary>A clock stopped at one instant, so relative times such as <c>-1h</c> have a known meaning in a test.</summary>
public sealed class FixedTime(DateTime utcNow) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => new(utcNow, TimeSpan.Zero);
}
