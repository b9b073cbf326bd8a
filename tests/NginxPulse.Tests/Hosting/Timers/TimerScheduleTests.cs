using Xunit;
using NginxPulse.Functions.Hosting.Timers;

namespace NginxPulse.Tests.Hosting.Timers;

public class TimerScheduleTests
{
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    private static DateTimeOffset Utc(string iso) => DateTimeOffset.Parse(iso + "Z", System.Globalization.CultureInfo.InvariantCulture);

    private static DateTimeOffset NextUtc(string schedule, string afterUtc, TimeZoneInfo? zone = null) =>
        TimerSchedule.Parse(schedule, zone ?? TimeZoneInfo.Utc).Next(Utc(afterUtc))!.Value;

    private static string[] Sequence(string schedule, TimeZoneInfo zone, string afterUtc, int count)
    {
        var parsed = TimerSchedule.Parse(schedule, zone);
        var result = new List<string>();
        var t = Utc(afterUtc);
        for (var i = 0; i < count; i++)
        {
            t = parsed.Next(t)!.Value;
            result.Add(t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture));
        }
        return result.ToArray();
    }

    [Theory]
    [InlineData("0 */5 * * * *", "2026-11-21T12:03:10", "2026-11-21T12:05:00")]
    [InlineData("*/5 * * * *", "2026-11-21T12:03:10", "2026-11-21T12:05:00")]   // five fields: no seconds, second 0
    [InlineData("0 * * * * *", "2026-11-21T12:03:00", "2026-11-21T12:04:00")]     // strictly after
    [InlineData("*/15 * * * * *", "2026-11-21T12:03:50", "2026-11-21T12:04:00")]
    [InlineData("0 10/20 * * * *", "2026-11-21T12:31:00", "2026-11-21T12:50:00")]  // a/n: from a to the maximum
    [InlineData("0 0 9-17/4 * * *", "2026-11-21T13:00:00", "2026-11-21T17:00:00")] // a-b/n
    [InlineData("0 0,30 8 * * *", "2026-11-21T08:10:00", "2026-11-21T08:30:00")]
    [InlineData("0 30 9 * * Mon-Fri", "2026-11-21T10:00:00", "2026-11-23T09:30:00")] // Saturday → Monday
    [InlineData("0 30 9 * * 1-5", "2026-11-21T10:00:00", "2026-11-23T09:30:00")]
    [InlineData("0 0 0 1 jan,Jul *", "2026-02-01T00:00:00", "2026-07-01T00:00:00")] // names, any case
    [InlineData("0 0 0 1 July *", "2026-02-01T00:00:00", "2026-07-01T00:00:00")]    // full names
    [InlineData("0 0 12 * * Sun", "2026-11-21T00:00:00", "2026-11-22T12:00:00")]   // 0 = Sunday
    [InlineData("0 0 0 31 * *", "2026-04-01T00:00:00", "2026-05-31T00:00:00")]     // April 31st is skipped, not rolled over
    [InlineData("0 0 0 29 2 *", "2026-03-01T00:00:00", "2028-02-29T00:00:00")]     // leap day
    [InlineData("0 0 0 31 12 *", "2026-12-31T00:00:00", "2027-12-31T00:00:00")]    // year rollover
    public void Next_occurrence_is_the_first_match_strictly_after(string schedule, string after, string expected) =>
        Assert.Equal(Utc(expected), NextUtc(schedule, after));

    [Fact]
    public void Day_of_month_and_day_of_week_must_both_match_unlike_vixie_cron()
    {
        // Vixie cron's OR would fire on Friday 2026-01-02; NCRONTAB waits for a Friday the 13th.
        Assert.Equal(Utc("2026-02-13T00:00:00"), NextUtc("0 0 0 13 * Fri", "2026-01-01T00:00:00"));
    }

    [Fact]
    public void A_schedule_in_a_time_zone_fires_on_that_zone_wall_clock()
    {
        Assert.Equal(Utc("2026-11-21T14:00:00"), NextUtc("0 0 9 * * *", "2026-11-21T12:00:00", NewYork)); // EST, UTC-5
        Assert.Equal(Utc("2026-07-01T13:00:00"), NextUtc("0 0 9 * * *", "2026-07-01T12:00:00", NewYork)); // EDT, UTC-4
    }

    [Fact]
    public void Spring_forward_runs_a_point_in_time_schedule_in_the_missing_hour_one_hour_later()
    {
        // 2026-03-08 02:00 EST jumps to 03:00 EDT: 02:30 does not exist and runs at 03:30 EDT (07:30Z), as the host does.
        Assert.Equal(
            ["2026-03-07 07:30:00", "2026-03-08 07:30:00", "2026-03-09 06:30:00"],
            Sequence("0 30 2 * * *", NewYork, "2026-03-07T00:00:00", 3));
    }

    [Fact]
    public void Spring_forward_keeps_an_interval_schedule_free_of_gaps_and_repeats()
    {
        Assert.Equal(
            ["2026-03-08 06:30:00", "2026-03-08 07:00:00", "2026-03-08 07:30:00", "2026-03-08 08:00:00"],
            Sequence("0 */30 * * * *", NewYork, "2026-03-08T06:00:00", 4));
    }

    [Fact]
    public void Fall_back_runs_an_interval_schedule_through_both_passes_of_the_repeated_hour()
    {
        // 2026-11-01 02:00 EDT falls back to 01:00 EST: 01:00 and 01:30 happen twice.
        Assert.Equal(
            ["2026-11-01 05:00:00", "2026-11-01 05:30:00", "2026-11-01 06:00:00", "2026-11-01 06:30:00", "2026-11-01 07:00:00"],
            Sequence("0 */30 * * * *", NewYork, "2026-11-01T04:30:00", 5));
    }

    [Fact]
    public void Fall_back_runs_a_point_in_time_schedule_once_at_the_first_pass()
    {
        Assert.Equal(
            ["2026-10-31 05:30:00", "2026-11-01 05:30:00", "2026-11-02 06:30:00"],
            Sequence("0 30 1 * * *", NewYork, "2026-10-31T00:00:00", 3));
    }

    [Fact]
    public void Fall_back_started_during_the_second_pass_does_not_run_the_repeated_time_again()
    {
        // 06:29Z is 01:29 EST, the second pass; 01:30 EDT already happened at 05:30Z.
        Assert.Equal(Utc("2026-11-02T06:30:00"), NextUtc("0 30 1 * * *", "2026-11-01T06:29:00", NewYork));
    }

    [Theory]
    [InlineData("00:05:00", "2026-11-21T12:03:10", "2026-11-21T12:08:10")]
    [InlineData("1.00:00:00", "2026-11-21T12:00:00", "2026-11-22T12:00:00")]
    public void A_timespan_schedule_is_a_constant_interval(string schedule, string after, string expected) =>
        Assert.Equal(Utc(expected), NextUtc(schedule, after));

    [Theory]
    [InlineData("* * * *", "4 fields")]
    [InlineData("0 0 * * * * *", "7 fields")]
    [InlineData("0 0 0 * * 7", "day-of-week field '7' has the value 7, outside 0-6")]
    [InlineData("0 0 0 ? * *", "day field '?'")]
    [InlineData("0 0 0 L * *", "day field 'L'")]
    [InlineData("0 0 0 * * 5#3", "day-of-week field '5#3'")]
    [InlineData("60 * * * * *", "second field '60' has the value 60, outside 0-59")]
    [InlineData("0 0 24 * * *", "hour field '24'")]
    [InlineData("0 0 0 0 * *", "day field '0' has the value 0, outside 1-31")]
    [InlineData("0 0 0 * 13 *", "month field '13'")]
    [InlineData("0 */0 * * * *", "minute field '*/0' has the step '0'")]
    [InlineData("0 30-10 * * * *", "minute field '30-10' has the range '30-10' whose end is before its start")]
    [InlineData("0 1,,2 * * * *", "minute field '1,,2' has an empty list item")]
    [InlineData("0 0 0 * Foo *", "month field 'Foo'")]
    [InlineData("0 0 0 30 2 *", "matches no date")]
    [InlineData("00:00:00", "longer than zero")]
    public void Malformed_schedules_are_rejected_with_the_field_named(string schedule, string expected)
    {
        var error = Assert.Throws<FormatException>(() => TimerSchedule.Parse(schedule, TimeZoneInfo.Utc));
        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData("0 */5 * * * *", true)]
    [InlineData("0 0-10 * * * *", true)]
    [InlineData("*/5 * * * *", true)]
    [InlineData("0 30 1 * * *", false)]
    [InlineData("30 1 * * *", false)]
    [InlineData("0 0,30 1 * * *", false)]
    public void Wildcards_ranges_and_steps_below_the_day_make_an_interval_schedule(string schedule, bool interval) =>
        Assert.Equal(interval, CrontabSchedule.Parse(schedule).IsInterval);
}
