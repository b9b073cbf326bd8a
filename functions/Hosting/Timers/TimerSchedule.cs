using System.Globalization;

namespace NginxPulse.Functions.Hosting.Timers;

/// <summary>A timerTrigger schedule: an NCRONTAB expression in a time zone, or a constant TimeSpan interval.</summary>
public abstract class TimerSchedule
{
    /// <summary>The next occurrence strictly after <paramref name="after"/>; null when the schedule never fires again.</summary>
    public abstract DateTimeOffset? Next(DateTimeOffset after);

    /// <summary>
    /// Parses function.json's <c>schedule</c> as the Timer trigger does: NCRONTAB first, else a TimeSpan
    /// (<c>hh:mm:ss</c>, <c>d.hh:mm:ss</c>) for a constant interval.
    /// </summary>
    /// <exception cref="FormatException">Neither form; the message says what is wrong with the expression.</exception>
    public static TimerSchedule Parse(string schedule, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var tokens = schedule.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        if (tokens == 1 && TimeSpan.TryParse(schedule, CultureInfo.InvariantCulture, out var interval))
        {
            if (interval <= TimeSpan.Zero) throw new FormatException($"the interval '{schedule}' must be longer than zero");
            return new IntervalTimerSchedule(interval);
        }
        var cron = new CronTimerSchedule(CrontabSchedule.Parse(schedule), zone);
        // A schedule that can never fire (February 30th) is a mistake to report at start-up, not a silent timer.
        if (cron.Next(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero)) is null)
            throw new FormatException($"'{schedule}' matches no date (a day that the month never has?)");
        return cron;
    }
}

/// <summary>Runs every <see cref="Interval"/> after the previous occurrence.</summary>
public sealed class IntervalTimerSchedule(TimeSpan interval) : TimerSchedule
{
    public TimeSpan Interval { get; } = interval;

    public override DateTimeOffset? Next(DateTimeOffset after) => after + Interval;

    public override string ToString() => $"every {Interval}";
}
