using Microsoft.Extensions.Options;
using NginxPulse.Functions.Reports;
using NginxPulse.Functions.Reports.Parameters;
using Xunit;

namespace NginxPulse.Tests.Reports;

public sealed class ReportParameterParserTests
{
    private static readonly DateTime Now = new(2026, 11, 21, 14, 37, 25, DateTimeKind.Utc);
    private readonly ReportParameterParser _parser = new(Options.Create(new ReportsOptions()), new FixedTime(Now));

    private ReportParameters Parse(params (string Name, string Value)[] query) =>
        _parser.Parse(query.ToDictionary(q => q.Name, q => q.Value, StringComparer.OrdinalIgnoreCase));

    [Fact]
    public void Without_parameters_the_range_is_the_last_hour_in_whole_minutes()
    {
        var p = Parse();

        Assert.Equal(new DateTime(2026, 11, 21, 13, 37, 0), p.FromUtc);
        Assert.Equal(new DateTime(2026, 11, 21, 14, 38, 0), p.ToUtc);   // the current minute is included
        Assert.Equal(ReportFormat.Json, p.Format);
        Assert.Null(p.Limit);
        Assert.False(p.NeedsRawRows);
    }

    [Theory]
    [InlineData("-15m", "2026-11-21T14:22:00")]
    [InlineData("now-2h", "2026-11-21T12:37:00")]
    [InlineData("-7d", "2026-11-14T14:37:00")]
    [InlineData("-1w", "2026-11-14T14:37:00")]
    [InlineData("2026-11-21T10:00:00Z", "2026-11-21T10:00:00")]
    [InlineData("2026-11-21T12:00:30+02:00", "2026-11-21T10:00:00")]
    [InlineData("2026-11-21 10:05", "2026-11-21T10:05:00")]
    public void From_accepts_iso_8601_and_relative_times(string from, string expected)
    {
        Assert.Equal(DateTime.Parse(expected), Parse(("from", from)).FromUtc);
    }

    [Fact]
    public void Status_accepts_codes_and_classes_in_a_list()
    {
        var p = Parse(("status", "404, 5xx,2XX"));

        Assert.Equal([new StatusRange(404, 405), new StatusRange(500, 600), new StatusRange(200, 300)], p.Statuses);
        Assert.True(p.NeedsRawRows);
    }

    [Theory]
    [InlineData("-1h", 1)]
    [InlineData("-6h", 5)]
    [InlineData("-1d", 15)]
    [InlineData("-31d", 720)]
    public void Without_a_step_about_a_hundred_buckets_cover_the_range(string from, int minutes)
    {
        Assert.Equal(TimeSpan.FromMinutes(minutes), Parse(("from", from), ("to", "2026-11-21T14:00:00Z")).Step);
    }

    [Theory]
    [InlineData("5m", 5)]
    [InlineData("1h", 60)]
    [InlineData("120", 2)]
    public void Step_accepts_units_or_seconds(string step, int minutes)
    {
        Assert.Equal(TimeSpan.FromMinutes(minutes), Parse(("step", step)).Step);
    }

    [Fact]
    public void A_range_at_the_maximum_span_is_accepted_and_one_minute_more_is_not()
    {
        Assert.Equal(TimeSpan.FromDays(31), Parse(("from", "2026-10-01T00:00:00Z"), ("to", "2026-11-01T00:00:00Z")).ToUtc - new DateTime(2026, 10, 1));
        var e = Assert.Throws<ReportParameterException>(() => Parse(("from", "2026-10-01T00:00:00Z"), ("to", "2026-11-01T00:01:00Z")));
        Assert.Equal("from", e.Parameter);
        Assert.Contains("Reports:MaxRange", e.Message);
    }

    [Fact]
    public void A_cursor_round_trips()
    {
        var cursor = new LineCursor(new DateTime(2026, 11, 21, 14, 0, 1, 250, DateTimeKind.Utc), Enumerable.Range(1, 16).Select(i => (byte)i).ToArray());

        Assert.Equal(cursor, Parse(("cursor", cursor.Encode())).Cursor);
    }
}
