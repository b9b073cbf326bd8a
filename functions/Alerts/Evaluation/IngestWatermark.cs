namespace NginxPulse.Functions.Alerts.Evaluation;

/// <summary>
/// How far the stored data is complete. <see cref="End"/> is the exclusive end of the last complete minute every
/// live host has delivered: rules are evaluated over windows ending there, so a lagging pipeline delays an
/// evaluation instead of looking like a traffic drop.
/// </summary>
/// <param name="LatestMinuteByHost">Per shipper host, the newest minute stored (possibly still filling).</param>
/// <param name="WallClockMinute">The current wall-clock minute (start), for silence of the whole pipeline.</param>
public sealed record IngestWatermark(DateTime End, IReadOnlyDictionary<string, DateTime> LatestMinuteByHost, DateTime WallClockMinute)
{
    /// <summary>The newest minute any host has stored; null when nothing was stored within the look-back.</summary>
    public DateTime? Newest => LatestMinuteByHost.Count == 0 ? null : LatestMinuteByHost.Values.Max();

    /// <summary>
    /// Derives the watermark. The newest minute of a host may still be filling, so it is excluded; a host further
    /// than <paramref name="maxLag"/> behind the newest one is silent and does not hold the others back; when even
    /// the newest host is that far behind the wall clock (nothing arrives at all), the wall clock decides, so a
    /// drop to zero everywhere is still seen.
    /// </summary>
    public static IngestWatermark Compute(IReadOnlyDictionary<string, DateTime> latestMinuteByHost, DateTimeOffset now, TimeSpan ingestionDelay, TimeSpan maxLag)
    {
        var wallMinute = FloorMinute(now.UtcDateTime);
        var wallEnd = FloorMinute(now.UtcDateTime - ingestionDelay);
        if (latestMinuteByHost.Count == 0) return new IngestWatermark(wallEnd, latestMinuteByHost, wallMinute);

        var newest = latestMinuteByHost.Values.Max();
        if (wallEnd - newest > maxLag) return new IngestWatermark(wallEnd, latestMinuteByHost, wallMinute);

        var slowestLive = latestMinuteByHost.Values.Where(m => newest - m <= maxLag).Min();
        return new IngestWatermark(slowestLive < wallEnd ? slowestLive : wallEnd, latestMinuteByHost, wallMinute);
    }

    public static DateTime FloorMinute(DateTime utc) => new(utc.Ticks - utc.Ticks % TimeSpan.TicksPerMinute, DateTimeKind.Utc);
}
