namespace NginxPulse.Functions.Hosting.Timers;

/// <summary>
/// An NCRONTAB expression in wall-clock terms: <c>{second} {minute} {hour} {day} {month} {day-of-week}</c>, or five
/// fields without seconds (seconds 0) — the token count decides, as in the Timer trigger. Day-of-month and
/// day-of-week must BOTH match (unlike Vixie cron's OR); days a month lacks are skipped, never rolled over.
/// </summary>
public sealed class CrontabSchedule
{
    private readonly CrontabField _seconds, _minutes, _hours, _days, _months, _daysOfWeek;

    private CrontabSchedule(string expression, CrontabField[] fields)
    {
        Expression = expression;
        (_seconds, _minutes, _hours, _days, _months, _daysOfWeek) = (fields[0], fields[1], fields[2], fields[3], fields[4], fields[5]);
        // The host's rule: a wildcard, range or step in a field below the day makes it an interval schedule,
        // which keeps running through a repeated (fall-back) hour; a point-in-time schedule runs once.
        var timeFields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        IsInterval = timeFields.Take(timeFields.Length == 5 ? 2 : 3).Any(f => f.IndexOfAny(['*', '/', '-']) >= 0);
    }

    public string Expression { get; }

    public bool IsInterval { get; }

    /// <exception cref="FormatException">The expression is malformed; the message names the field.</exception>
    public static CrontabSchedule Parse(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var tokens = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (tokens.Length is not (5 or 6))
            throw new FormatException($"'{expression}' has {tokens.Length} fields; NCRONTAB takes 6 ({{second}} {{minute}} {{hour}} {{day}} {{month}} {{day-of-week}}) or 5 (without seconds)");
        if (tokens.Length == 5) tokens = ["0", .. tokens];
        var kinds = Enum.GetValues<CrontabFieldKind>();
        var fields = new CrontabField[6];
        for (var i = 0; i < 6; i++) fields[i] = CrontabField.Parse(tokens[i], kinds[i]);
        return new CrontabSchedule(expression, fields);
    }

    /// <summary>The first wall-clock time strictly after <paramref name="after"/> that matches, or null when none
    /// exists before <paramref name="horizon"/> (e.g. "0 0 0 30 2 *", February 30th).</summary>
    public DateTime? NextWallTime(DateTime after, DateTime horizon)
    {
        var t = new DateTime(after.Ticks - after.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Unspecified).AddSeconds(1);
        while (t < horizon)
        {
            if (!_months.Contains(t.Month))
            {
                t = new DateTime(t.Year, t.Month, 1).AddMonths(1);
                continue;
            }
            if (!_days.Contains(t.Day) || !_daysOfWeek.Contains((int)t.DayOfWeek))
            {
                t = t.Date.AddDays(1);
                continue;
            }
            if (!_hours.Contains(t.Hour))
            {
                t = Advance(t, _hours.NextAtOrAfter(t.Hour + 1), TimeSpan.TicksPerHour, t.Date, 24);
                continue;
            }
            if (!_minutes.Contains(t.Minute))
            {
                t = Advance(t, _minutes.NextAtOrAfter(t.Minute + 1), TimeSpan.TicksPerMinute, t.Date.AddHours(t.Hour), 60);
                continue;
            }
            if (!_seconds.Contains(t.Second))
            {
                t = Advance(t, _seconds.NextAtOrAfter(t.Second + 1), TimeSpan.TicksPerSecond, t.Date.AddHours(t.Hour).AddMinutes(t.Minute), 60);
                continue;
            }
            return t;
        }
        return null;
    }

    // Jumps to unit `next` within the enclosing period, or to the start of the next period when none is left.
    private static DateTime Advance(DateTime t, int next, long unitTicks, DateTime periodStart, int unitsPerPeriod) =>
        next < 0 ? periodStart.AddTicks(unitTicks * unitsPerPeriod) : periodStart.AddTicks(unitTicks * next);

    public override string ToString() => Expression;
}
