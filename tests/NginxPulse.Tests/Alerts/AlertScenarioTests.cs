using NginxPulse.Functions.Alerts.State;
using Xunit;

namespace NginxPulse.Tests.Alerts;

/// <summary>
/// Scripted traffic stored through the ingest path, evaluated once per minute on a manual clock: each incident
/// gives exactly one firing and one resolved notification, and ingestion lag is never mistaken for a drop.
/// </summary>
public sealed class AlertScenarioTests
{
    private const string SpikeRule = """
        { "name": "spike", "metric": "requests", "scope": "vhost:www.example.com", "condition": { "above": 100 },
          "window": "2m", "for": "1m", "severity": "critical", "channels": ["local"] }
        """;

    private const string DropRule = """
        { "name": "drop", "metric": "requests", "groupBy": "vhost", "condition": { "below": 15 },
          "window": "2m", "for": "1m", "severity": "critical", "channels": ["local"] }
        """;

    private static string Rules(params string[] rules) => $$"""{ "rules": [ {{string.Join(",", rules)}} ] }""";

    /// <summary>
    /// Minute k's traffic is stored once the clock is in minute k + 1 + <paramref name="lagMinutes"/>; each step then
    /// evaluates at 5 s past that minute.
    /// </summary>
    private static async Task RunAsync(AlertHarness harness, int minutes, Func<int, Task> storeMinute, int lagMinutes = 0, Func<DateTime, Task>? evaluate = null)
    {
        for (var step = 0; step < minutes + lagMinutes; step++)
        {
            var stored = step - lagMinutes;
            if (stored >= 0 && stored < minutes) await storeMinute(stored);
            var at = AlertHarness.Start.AddMinutes(step + 1).AddSeconds(5);
            if (evaluate is null) await harness.EvaluateAtAsync(at);
            else await evaluate(at);
        }
    }

    private static DateTime Minute(int k) => AlertHarness.Start.AddMinutes(k);

    private static Task SpikeTraffic(AlertHarness h, int k) =>
        h.Traffic.MinuteAsync(Minute(k), k is >= 10 and < 14 ? 100 : 10, client: k is >= 10 and < 14 ? "198.51.100.7" : null, path: k is >= 10 and < 14 ? "/hot" : "/index.html");

    private static async Task AssertOneIncidentAsync(AlertHarness harness, string rule, string scope)
    {
        var rows = (await harness.OutboxAsync()).Where(r => r.Rule == rule).ToList();
        Assert.Equal(["firing", "resolved"], rows.Select(r => r.Kind));
        Assert.All(rows, r => Assert.Equal(scope, r.Scope));
        Assert.All(rows, r => Assert.True(r.Delivered, $"outbox row {r.Id} was not delivered: {r.LastError}"));
        var mails = harness.Mails().Where(m => m.Contains($"-{rule}-", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, mails.Count);
        Assert.EndsWith("-firing.eml", mails[0]);
        Assert.EndsWith("-resolved.eml", mails[1]);
        Assert.Equal(AlertStatus.Ok, (await harness.StateAsync(rule, scope))?.Status);
    }

    [Fact]
    public async Task A_spike_fires_once_and_resolves_once_with_its_top_path_and_client_in_the_mail()
    {
        await using var harness = await AlertHarness.CreateAsync(Rules(SpikeRule));
        await RunAsync(harness, 24, k => SpikeTraffic(harness, k));

        await AssertOneIncidentAsync(harness, "spike", "vhost:www.example.com");
        var firing = await File.ReadAllTextAsync(Path.Combine(harness.MailDirectory, harness.Mails()[0]));
        Assert.Contains("Subject: [FIRING] critical: spike on vhost:www.example.com", firing);
        Assert.Contains("Threshold: > 100", firing);
        Assert.Contains("/hot", firing);
        Assert.Contains("198.51.100.7", firing);
        Assert.Contains("http://127.0.0.1:7071/api/reports/summary?from=2026-11-21T12%3A", firing);
        Assert.Contains("&vhost=www.example.com", firing);
    }

    [Fact]
    public async Task A_drop_to_zero_of_one_vhost_fires_once_and_resolves_once()
    {
        await using var harness = await AlertHarness.CreateAsync(Rules(DropRule));
        await RunAsync(harness, 24, async k =>
        {
            await harness.Traffic.MinuteAsync(Minute(k), 10, vhost: "www.example.com");
            if (k is < 10 or >= 16) await harness.Traffic.MinuteAsync(Minute(k), 10, vhost: "shop.example.org");
        });

        await AssertOneIncidentAsync(harness, "drop", "vhost:shop.example.org");
        Assert.DoesNotContain(await harness.OutboxAsync(), r => r.Scope == "vhost:www.example.com");
    }

    [Fact]
    public async Task A_drop_to_zero_everywhere_fires_once_the_pipeline_lag_limit_passes_and_resolves_when_traffic_returns()
    {
        await using var harness = await AlertHarness.CreateAsync(Rules(DropRule));
        await RunAsync(harness, 30, k => k is < 10 or >= 21 ? harness.Traffic.MinuteAsync(Minute(k), 10) : Task.CompletedTask);

        await AssertOneIncidentAsync(harness, "drop", "vhost:www.example.com");
    }

    [Fact]
    public async Task A_5xx_burst_fires_once_and_resolves_once()
    {
        await using var harness = await AlertHarness.CreateAsync(Rules("""
            { "name": "errors", "metric": "ratio_5xx", "scope": "all", "condition": { "above": 0.2 }, "minSamples": 10,
              "window": "2m", "for": "1m", "channels": ["local"] }
            """));
        await RunAsync(harness, 24, async k =>
        {
            await harness.Traffic.MinuteAsync(Minute(k), 20);
            if (k is >= 10 and < 14) await harness.Traffic.MinuteAsync(Minute(k), 10, status: 502, path: "/api/broken");
        });

        await AssertOneIncidentAsync(harness, "errors", "all");
        var firing = await File.ReadAllTextAsync(Path.Combine(harness.MailDirectory, harness.Mails()[0]));
        Assert.Contains("/api/broken", firing);
        Assert.DoesNotContain("/index.html", firing);
    }

    [Fact]
    public async Task A_latency_rise_fires_once_and_resolves_once()
    {
        await using var harness = await AlertHarness.CreateAsync(Rules("""
            { "name": "slow", "metric": "latency_p95", "groupBy": "host", "condition": { "above": 500 }, "minSamples": 10,
              "window": "2m", "for": "1m", "channels": ["local"] }
            """));
        await RunAsync(harness, 24, k => harness.Traffic.MinuteAsync(Minute(k), 20, latencyMs: k is >= 10 and < 14 ? 900 : 40));

        await AssertOneIncidentAsync(harness, "slow", "host:web-01");
    }

    [Fact]
    public async Task A_silent_shipper_host_fires_once_and_resolves_once()
    {
        await using var harness = await AlertHarness.CreateAsync(Rules("""
            { "name": "silent", "metric": "host_silence", "groupBy": "host", "condition": { "above": 120 },
              "window": "1h", "channels": ["local"] }
            """));
        await RunAsync(harness, 24, async k =>
        {
            await harness.Traffic.MinuteAsync(Minute(k), 10, host: "web-01");
            if (k is < 10 or >= 16) await harness.Traffic.MinuteAsync(Minute(k), 10, host: "web-02");
        });

        await AssertOneIncidentAsync(harness, "silent", "host:web-02");
        Assert.DoesNotContain(await harness.OutboxAsync(), r => r.Scope == "host:web-01");
    }

    [Fact]
    public async Task A_spike_relative_to_the_same_window_last_week_fires_once_and_a_vhost_as_busy_as_last_week_does_not()
    {
        await using var harness = await AlertHarness.CreateAsync(Rules("""
            { "name": "weekly", "metric": "requests", "groupBy": "vhost", "condition": { "above": 3, "relativeTo": "week" },
              "minSamples": 10, "window": "2m", "for": "1m", "channels": ["local"] }
            """));
        for (var k = 0; k < 24; k++)
        {
            await harness.Traffic.MinuteAsync(Minute(k).AddDays(-7), 10, vhost: "www.example.com");
            await harness.Traffic.MinuteAsync(Minute(k).AddDays(-7), 40, vhost: "shop.example.org");
        }
        await RunAsync(harness, 24, async k =>
        {
            await harness.Traffic.MinuteAsync(Minute(k), k is >= 10 and < 14 ? 50 : 10, vhost: "www.example.com");
            await harness.Traffic.MinuteAsync(Minute(k), 40, vhost: "shop.example.org");
        });

        await AssertOneIncidentAsync(harness, "weekly", "vhost:www.example.com");
        Assert.DoesNotContain(await harness.OutboxAsync(), r => r.Scope == "vhost:shop.example.org");
    }

    [Fact]
    public async Task Two_minutes_of_ingestion_lag_give_no_false_drop_and_the_spike_still_fires_once()
    {
        await using var harness = await AlertHarness.CreateAsync(Rules(SpikeRule, DropRule));
        await RunAsync(harness, 24, k => SpikeTraffic(harness, k), lagMinutes: 2);

        Assert.DoesNotContain(await harness.OutboxAsync(), r => r.Rule == "drop");
        await AssertOneIncidentAsync(harness, "spike", "vhost:www.example.com");
    }

    [Fact]
    public async Task Without_the_watermark_the_same_lag_would_look_like_a_drop()
    {
        // The control for the test above: the same lagging traffic with an unbounded wall clock (MaxIngestionLag
        // below the lag) must alert, or the test above could pass for the wrong reason.
        await using var harness = await AlertHarness.CreateAsync(Rules(DropRule), new Dictionary<string, string?> { ["Alerts:MaxIngestionLag"] = "00:00:30" });
        await RunAsync(harness, 12, k => harness.Traffic.MinuteAsync(Minute(k), 10), lagMinutes: 2);

        Assert.Contains(await harness.OutboxAsync(), r => r.Rule == "drop" && r.Kind == "firing");
    }

    [Fact]
    public async Task Two_evaluators_running_at_once_send_nothing_twice()
    {
        await using var first = await AlertHarness.CreateAsync(Rules(SpikeRule));
        await using var second = await AlertHarness.CreateAsync(Rules(SpikeRule), db: first.Db);
        await RunAsync(first, 24, k => SpikeTraffic(first, k), evaluate: async at =>
        {
            first.Clock.Set(new DateTimeOffset(at));
            second.Clock.Set(new DateTimeOffset(at));
            await Task.WhenAll(Task.Run(() => first.Evaluator.RunAsync(CancellationToken.None)), Task.Run(() => second.Evaluator.RunAsync(CancellationToken.None)));
        });

        var rows = await first.OutboxAsync();
        Assert.Equal(["firing", "resolved"], rows.Select(r => r.Kind));
        Assert.Equal(2, first.Mails().Count + second.Mails().Count);
    }
}
