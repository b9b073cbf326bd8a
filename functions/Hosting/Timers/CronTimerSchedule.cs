namespace NginxPulse.Functions.Hosting.Timers;

/// <summary>
/// An NCRONTAB schedule evaluated on the wall clock of a time zone, with the Timer trigger's daylight-saving rules:
/// a wall time that does not exist (spring forward) runs at the same instant the host picks, the wall time read
/// with the offset in force before the jump (02:30 becomes 03:30); a wall time that happens twice (fall back) runs
/// once, at its first occurrence, for a point-in-time schedule, and at both for an interval schedule.
/// </summary>
public sealed class CronTimerSchedule(CrontabSchedule cron, TimeZoneInfo zone) : TimerSchedule
{
    // Leap years, weekdays and months line up again within 28 years (400 for the Gregorian century rule, but a
    // schedule that matches nothing for 28 years matches nothing that matters).
    private static readonly TimeSpan Horizon = TimeSpan.FromDays(366 * 28);
    // No zone shifts its clock by more than this at once (most by one hour).
    private static readonly TimeSpan LargestDstShift = TimeSpan.FromHours(3);

    public CrontabSchedule Cron { get; } = cron;

    public TimeZoneInfo Zone { get; } = zone;

    public override DateTimeOffset? Next(DateTimeOffset after)
    {
        var offset = Zone.GetUtcOffset(after);
        var wall = after.UtcDateTime + offset;
        var horizon = wall + Horizon;
        // Only a coming fall-back makes earlier wall times happen again after `after`.
        var repeated = offset - Zone.GetUtcOffset(after + LargestDstShift);
        DateTimeOffset? best = null;
        DateTime? stopAfter = null;
        for (var candidate = Cron.NextWallTime(repeated > TimeSpan.Zero ? wall - repeated : wall, horizon);
             candidate is { } w && (stopAfter is null || w <= stopAfter.Value);
             candidate = Cron.NextWallTime(w, horizon))
        {
            foreach (var instant in Instants(w))
            {
                if (instant <= after || (best is { } b && instant >= b)) continue;
                best = instant;
                // Near a transition a later wall time can still be an earlier instant: look that far further.
                stopAfter ??= w + (Zone.GetUtcOffset(instant - LargestDstShift) - Zone.GetUtcOffset(instant + LargestDstShift)).Duration();
            }
        }
        return best;
    }

    private IEnumerable<DateTimeOffset> Instants(DateTime wall)
    {
        if (Zone.IsInvalidTime(wall))
        {
            // For a time inside the spring-forward gap TimeZoneInfo gives the offset before the jump.
            yield return ToUtc(wall, Zone.GetUtcOffset(wall));
        }
        else if (Zone.IsAmbiguousTime(wall))
        {
            var offsets = Zone.GetAmbiguousTimeOffsets(wall);
            var daylight = offsets.Max();
            yield return ToUtc(wall, daylight);
            if (Cron.IsInterval)
            {
                foreach (var offset in offsets.Where(o => o != daylight)) yield return ToUtc(wall, offset);
            }
        }
        else
        {
            yield return ToUtc(wall, Zone.GetUtcOffset(wall));
        }
    }

    private static DateTimeOffset ToUtc(DateTime wall, TimeSpan offset) =>
        new DateTimeOffset(DateTime.SpecifyKind(wall, DateTimeKind.Unspecified), offset).ToUniversalTime();

    public override string ToString() => $"'{Cron.Expression}' ({Zone.Id})";
}
