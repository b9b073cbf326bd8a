using NginxPulse.Functions.Alerts.Evaluation;
using NginxPulse.Functions.Alerts.Rules;
using Xunit;

namespace NginxPulse.Tests.Alerts;

public sealed class RuleEvaluatorTests
{
    private static AlertRule Rule(AlertMetric metric, AlertCondition condition, long minSamples = 0, AlertGrouping groupBy = AlertGrouping.None, AlertScope? scope = null) =>
        new("r", "", metric, scope ?? AlertScope.All, groupBy, condition, TimeSpan.FromMinutes(5), TimeSpan.Zero, minSamples, AlertSeverity.Warning, ["local"], TimeSpan.Zero);

    private static Dictionary<string, MetricSample> Values(params (string Scope, double? Value, long Samples)[] values) =>
        values.ToDictionary(v => v.Scope, v => new MetricSample(v.Value, v.Samples));

    [Theory]
    [InlineData(AlertMetric.Requests)]
    [InlineData(AlertMetric.Bandwidth)]
    [InlineData(AlertMetric.Status2xx)]
    [InlineData(AlertMetric.Status3xx)]
    [InlineData(AlertMetric.Status4xx)]
    [InlineData(AlertMetric.Status5xx)]
    [InlineData(AlertMetric.UniqueClients)]
    public void A_count_with_no_stored_rows_is_zero_so_a_drop_to_nothing_breaches(AlertMetric metric)
    {
        var observation = Assert.Single(RuleEvaluator.Evaluate(Rule(metric, AlertCondition.Below(1)), Values(), null, ["all"]));

        Assert.Equal(new Observation("all", 0, true), observation);
    }

    [Theory]
    [InlineData(AlertMetric.Ratio2xx)]
    [InlineData(AlertMetric.Ratio3xx)]
    [InlineData(AlertMetric.Ratio4xx)]
    [InlineData(AlertMetric.Ratio5xx)]
    [InlineData(AlertMetric.LatencyP50)]
    [InlineData(AlertMetric.LatencyP95)]
    [InlineData(AlertMetric.LatencyP99)]
    [InlineData(AlertMetric.TopClientShare)]
    public void A_ratio_percentile_or_share_below_the_minimum_sample_size_has_no_value_and_never_breaches(AlertMetric metric)
    {
        var rule = Rule(metric, AlertCondition.Above(0.1), minSamples: 50);

        Assert.Equal(new Observation("all", null, false), Assert.Single(RuleEvaluator.Evaluate(rule, Values(("all", 0.9, 49)), null, ["all"])));
        Assert.Equal(new Observation("all", 0.9, true), Assert.Single(RuleEvaluator.Evaluate(rule, Values(("all", 0.9, 50)), null, ["all"])));
        Assert.Equal(new Observation("all", null, false), Assert.Single(RuleEvaluator.Evaluate(rule, Values(), null, ["all"])));
    }

    [Fact]
    public void A_relative_condition_compares_the_ratio_to_the_earlier_window()
    {
        var rule = Rule(AlertMetric.Requests, AlertCondition.Above(3, ConditionBaseline.Week), groupBy: AlertGrouping.Vhost);
        var current = Values(("vhost:a", 400, 400), ("vhost:b", 200, 200));
        var lastWeek = Values(("vhost:a", 100, 100), ("vhost:b", 100, 100));

        var observations = RuleEvaluator.Evaluate(rule, current, lastWeek, ["vhost:a", "vhost:b", "vhost:c"]);

        Assert.Equal([new Observation("vhost:a", 4, true), new Observation("vhost:b", 2, false), new Observation("vhost:c", null, false)], observations);
    }

    [Fact]
    public void A_relative_drop_to_zero_breaches_below()
    {
        var rule = Rule(AlertMetric.Requests, AlertCondition.Below(0.2, ConditionBaseline.Day));

        Assert.Equal(new Observation("all", 0, true), Assert.Single(RuleEvaluator.Evaluate(rule, Values(), Values(("all", 500, 500)), ["all"])));
    }

    [Fact]
    public void An_outside_band_condition_breaches_on_either_side()
    {
        var rule = Rule(AlertMetric.Bandwidth, AlertCondition.Outside(100, 1000), groupBy: AlertGrouping.Host);
        var observations = RuleEvaluator.Evaluate(rule, Values(("host:a", 50, 1), ("host:b", 500, 1), ("host:c", 5000, 1)), null, ["host:a", "host:b", "host:c"]);

        Assert.Equal([true, false, true], observations.Select(o => o.Breaching));
    }

    [Fact]
    public void Host_silence_grouped_by_host_measures_each_host_behind_the_newest()
    {
        var now = new DateTime(2026, 11, 21, 12, 10, 5, DateTimeKind.Utc);
        var hosts = new Dictionary<string, DateTime> { ["web-01"] = now.Date.AddHours(12).AddMinutes(10), ["web-02"] = now.Date.AddHours(12).AddMinutes(4), ["old"] = now.AddDays(-2) };
        var watermark = IngestWatermark.Compute(hosts, now, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10));
        var rule = Rule(AlertMetric.HostSilence, AlertCondition.Above(120), groupBy: AlertGrouping.Host) with { Window = TimeSpan.FromHours(1) };

        var observations = RuleEvaluator.EvaluateSilence(rule, watermark, ["host:gone"]);

        Assert.Equal([new Observation("host:web-01", 0, false), new Observation("host:web-02", 360, true), new Observation("host:gone", null, false)], observations);
    }

    [Fact]
    public void Host_silence_of_the_whole_scope_measures_the_newest_minute_behind_the_wall_clock()
    {
        var now = new DateTime(2026, 11, 21, 12, 30, 5, DateTimeKind.Utc);
        var hosts = new Dictionary<string, DateTime> { ["web-01"] = new(2026, 11, 21, 12, 14, 0, DateTimeKind.Utc) };
        var watermark = IngestWatermark.Compute(hosts, now, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10));
        var rule = Rule(AlertMetric.HostSilence, AlertCondition.Above(600)) with { Window = TimeSpan.FromHours(6) };

        Assert.Equal(new Observation("all", 900, true), Assert.Single(RuleEvaluator.EvaluateSilence(rule, watermark, [])));
    }
}
