using NginxPulse.Functions.Alerts.Rules;
using Xunit;

namespace NginxPulse.Tests.Alerts;

public sealed class AlertRulesFileTests
{
    private static readonly IReadOnlySet<string> LocalOnly = new HashSet<string> { "local" };

    private static AlertRuleLoad Parse(string rule) => AlertRulesFile.Parse($$"""{ "rules": [ {{rule}} ] }""", "rules.json", LocalOnly);

    private static string Problem(string rule) => Assert.Single(Parse(rule).Problems);

    [Fact]
    public void The_shipped_rules_file_is_valid()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "alert-rules.json");
        var load = AlertRulesFile.Load(path, LocalOnly);

        Assert.True(load.Succeeded, string.Join(Environment.NewLine, load.Problems));
        Assert.Contains(load.Rules, r => r.Metric == AlertMetric.HostSilence && r.GroupBy == AlertGrouping.Host);
    }

    [Fact]
    public void A_complete_rule_reads_every_field()
    {
        var rule = Assert.Single(Parse("""
            { "name": "errors", "description": "d", "metric": "ratio_5xx", "scope": "vhost:www.example.com", "groupBy": "host",
              "condition": { "outside": [0.01, 0.2], "relativeTo": "week" }, "window": "10m", "for": "90s", "minSamples": 50,
              "severity": "critical", "channels": ["local"], "renotify": "2h" }
            """).Rules);

        Assert.Equal(new AlertRule("errors", "d", AlertMetric.Ratio5xx, new AlertScope("www.example.com", null), AlertGrouping.Host,
            AlertCondition.Outside(0.01, 0.2, ConditionBaseline.Week), TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(90), 50,
            AlertSeverity.Critical, rule.Channels, TimeSpan.FromHours(2)), rule);
        Assert.Equal(["local"], rule.Channels);
    }

    [Fact]
    public void Defaults_are_scope_all_no_grouping_no_for_warning_local_and_no_repeats()
    {
        var rule = Assert.Single(Parse("""{ "name": "r", "metric": "requests", "condition": { "above": 1 }, "window": "1m" }""").Rules);

        Assert.Equal((AlertScope.All, AlertGrouping.None, TimeSpan.Zero, AlertSeverity.Warning, TimeSpan.Zero, 0L),
            (rule.Scope, rule.GroupBy, rule.For, rule.Severity, rule.Renotify, rule.MinSamples));
        Assert.Equal(["local"], rule.Channels);
    }

    [Theory]
    [InlineData("""{ "name": "r", "metric": "hits", "condition": { "above": 1 }, "window": "1m" }""", "rule 'r': field 'metric': 'hits' is not a metric")]
    [InlineData("""{ "name": "r", "metric": "requests", "condition": { "above": 1 }, "window": "5 minutes" }""", "rule 'r': field 'window': '5 minutes' is not a duration")]
    [InlineData("""{ "name": "r", "metric": "requests", "condition": { "above": 1 }, "window": "90s" }""", "rule 'r': field 'window': must be a whole number of minutes")]
    [InlineData("""{ "name": "r", "metric": "requests", "condition": { "above": 1 } }""", "rule 'r': field 'window': is required")]
    [InlineData("""{ "name": "r", "metric": "requests", "condition": { "above": 1, "below": 2 }, "window": "1m" }""", "rule 'r': field 'condition': needs exactly one of")]
    [InlineData("""{ "name": "r", "metric": "requests", "condition": { "outside": [5, 1] }, "window": "1m" }""", "rule 'r': field 'condition.outside': must be [LOW, HIGH]")]
    [InlineData("""{ "name": "r", "metric": "requests", "condition": { "above": 1, "relativeTo": "month" }, "window": "1m" }""", "rule 'r': field 'condition.relativeTo'")]
    [InlineData("""{ "name": "r", "metric": "requests", "condition": { "above": "1" }, "window": "1m" }""", "rule 'r': field 'condition.above': must be a number")]
    [InlineData("""{ "name": "r", "metric": "requests", "scope": "server:x", "condition": { "above": 1 }, "window": "1m" }""", "rule 'r': field 'scope'")]
    [InlineData("""{ "name": "r", "metric": "requests", "groupBy": "path", "condition": { "above": 1 }, "window": "1m" }""", "rule 'r': field 'groupBy'")]
    [InlineData("""{ "name": "r", "metric": "requests", "scope": "vhost:a", "groupBy": "vhost", "condition": { "above": 1 }, "window": "1m" }""", "rule 'r': field 'groupBy': a rule scoped to one vhost")]
    [InlineData("""{ "name": "r", "metric": "requests", "condition": { "above": 1 }, "window": "1m", "severity": "fatal" }""", "rule 'r': field 'severity'")]
    [InlineData("""{ "name": "r", "metric": "requests", "condition": { "above": 1 }, "window": "1m", "channels": ["sendgrid"] }""", "rule 'r': field 'channels': 'sendgrid' is not a configured channel (configured: local)")]
    [InlineData("""{ "name": "r", "metric": "requests", "condition": { "above": 1 }, "window": "1m", "channels": [] }""", "rule 'r': field 'channels'")]
    [InlineData("""{ "name": "r", "metric": "requests", "condition": { "above": 1 }, "window": "1m", "minSamples": -1 }""", "rule 'r': field 'minSamples'")]
    [InlineData("""{ "name": "r", "metric": "requests", "condition": { "above": 1 }, "window": "1m", "treshold": 1 }""", "rule 'r': field 'treshold': unknown field")]
    [InlineData("""{ "name": "r", "metric": "unique_clients", "condition": { "above": 1 }, "window": "1d" }""", "rule 'r': field 'window': unique_clients reads raw rows")]
    [InlineData("""{ "name": "r", "metric": "host_silence", "scope": "vhost:a", "condition": { "above": 1 }, "window": "1h" }""", "rule 'r': field 'scope': host_silence")]
    [InlineData("""{ "name": "r", "metric": "host_silence", "condition": { "above": 1, "relativeTo": "day" }, "window": "1h" }""", "rule 'r': field 'condition': host_silence cannot be relative")]
    [InlineData("""{ "name": "bad name!", "metric": "requests", "condition": { "above": 1 }, "window": "1m" }""", "rule 'bad name!': field 'name'")]
    [InlineData("""{ "metric": "requests", "condition": { "above": 1 }, "window": "1m" }""", "rule #1: field 'name': is required")]
    public void A_bad_rule_is_reported_naming_the_rule_and_field(string rule, string expected)
    {
        var problem = Problem(rule);

        Assert.StartsWith("rules.json: ", problem);
        Assert.Contains(expected, problem);
    }

    [Fact]
    public void Every_problem_of_every_rule_is_reported_at_once()
    {
        var load = AlertRulesFile.Parse("""
            { "rules": [
              { "name": "a", "metric": "nope", "condition": { "above": 1 }, "window": "1m" },
              { "name": "b", "metric": "requests", "condition": { "above": 1 }, "window": "1m", "severity": "loud" },
              { "name": "a", "metric": "requests", "condition": { "above": 1 }, "window": "1m" }
            ] }
            """, "rules.json", LocalOnly);

        Assert.False(load.Succeeded);
        Assert.Empty(load.Rules);
        Assert.Equal(3, load.Problems.Count);
        Assert.Contains(load.Problems, p => p.Contains("rule 'a': field 'metric'"));
        Assert.Contains(load.Problems, p => p.Contains("rule 'b': field 'severity'"));
        Assert.Contains(load.Problems, p => p.Contains("rule 'a': field 'name': 'a' is used by an earlier rule"));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{ "rule": [] }""")]
    [InlineData("[]")]
    public void A_file_without_a_rules_array_is_rejected(string json) =>
        Assert.Contains("rules.json:", Assert.Single(AlertRulesFile.Parse(json, "rules.json", LocalOnly).Problems));

    [Fact]
    public void A_missing_file_is_reported_with_its_path() =>
        Assert.Contains("/nonexistent/rules.json' does not exist", Assert.Single(AlertRulesFile.Load("/nonexistent/rules.json", LocalOnly).Problems));

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("5m", 300)]
    [InlineData("2h", 7200)]
    [InlineData("1d", 86400)]
    [InlineData("00:05:00", 300)]
    public void Durations_read_units_and_timespans(string text, int seconds)
    {
        Assert.True(DurationText.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5x")]
    [InlineData("-5m")]
    [InlineData("m")]
    public void Bad_durations_are_refused(string text) => Assert.False(DurationText.TryParse(text, out _));
}
