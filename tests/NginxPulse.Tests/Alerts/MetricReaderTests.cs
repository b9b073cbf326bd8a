using Microsoft.Extensions.DependencyInjection;
using NginxPulse.Functions.Alerts.Evaluation;
using NginxPulse.Functions.Alerts.Rules;
using Xunit;

namespace NginxPulse.Tests.Alerts;

/// <summary>Every metric computed by MariaDB from traffic stored through the ingest path, with scope, grouping and window bounds.</summary>
public sealed class MetricReaderTests : IAsyncLifetime
{
    private static readonly DateTime T0 = AlertHarness.Start;
    private static readonly MetricWindow Window = new(T0, T0.AddMinutes(2));

    private AlertHarness _harness = null!;
    private MetricReader _reader = null!;

    public async Task InitializeAsync()
    {
        _harness = await AlertHarness.CreateAsync("""{ "rules": [] }""");
        _reader = _harness.Services.GetRequiredService<MetricReader>();
        var traffic = _harness.Traffic;
        await traffic.MinuteAsync(T0, 30, vhost: "a.example.com", host: "web-01", latencyMs: 10);
        await traffic.MinuteAsync(T0.AddMinutes(1), 10, vhost: "a.example.com", host: "web-02", status: 503, latencyMs: 1000, client: "198.51.100.9");
        await traffic.MinuteAsync(T0.AddMinutes(1), 20, vhost: "b.example.com", host: "web-01", status: 404, latencyMs: 100);
        // Outside the window on both sides: must not count.
        await traffic.MinuteAsync(T0.AddMinutes(-1), 500, vhost: "a.example.com");
        await traffic.MinuteAsync(T0.AddMinutes(2), 500, vhost: "a.example.com");
    }

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private static AlertRule Rule(string metric, AlertGrouping groupBy = AlertGrouping.None, AlertScope? scope = null)
    {
        Assert.True(AlertMetrics.TryParse(metric, out var parsed));
        return new AlertRule("r", "", parsed, scope ?? AlertScope.All, groupBy, AlertCondition.Above(0), TimeSpan.FromMinutes(2), TimeSpan.Zero, 0,
            AlertSeverity.Warning, ["local"], TimeSpan.Zero);
    }

    private async Task<Dictionary<string, double?>> ReadAsync(string metric, AlertGrouping groupBy = AlertGrouping.None, AlertScope? scope = null) =>
        (await _reader.ReadAsync(Rule(metric, groupBy, scope), Window, CancellationToken.None)).ToDictionary(kv => kv.Key, kv => kv.Value.Value);

    [Fact]
    public async Task Counts_and_bandwidth_sum_the_rollups_of_the_window()
    {
        Assert.Equal(new Dictionary<string, double?> { ["all"] = 60 }, await ReadAsync("requests"));
        Assert.Equal(new Dictionary<string, double?> { ["all"] = 60 * 1200 }, await ReadAsync("bandwidth"));
        Assert.Equal(new Dictionary<string, double?> { ["all"] = 30 }, await ReadAsync("status_2xx"));
        Assert.Equal(new Dictionary<string, double?> { ["all"] = 20 }, await ReadAsync("status_4xx"));
        Assert.Equal(new Dictionary<string, double?> { ["vhost:a.example.com"] = 40, ["vhost:b.example.com"] = 20 }, await ReadAsync("requests", AlertGrouping.Vhost));
        Assert.Equal(new Dictionary<string, double?> { ["host:web-01"] = 50, ["host:web-02"] = 10 }, await ReadAsync("requests", AlertGrouping.Host));
        Assert.Equal(new Dictionary<string, double?> { ["vhost:a.example.com"] = 40 }, await ReadAsync("requests", scope: new AlertScope("a.example.com", null)));
    }

    [Fact]
    public async Task Ratios_divide_by_the_requests_of_the_same_scope()
    {
        Assert.Equal(new Dictionary<string, double?> { ["all"] = 10.0 / 60 }, await ReadAsync("ratio_5xx"));
        Assert.Equal(new Dictionary<string, double?> { ["vhost:a.example.com"] = 0.25, ["vhost:b.example.com"] = 0 }, await ReadAsync("ratio_5xx", AlertGrouping.Vhost));
        Assert.Equal(new Dictionary<string, double?> { ["host:web-01"] = 0.4, ["host:web-02"] = 0 }, await ReadAsync("ratio_4xx", AlertGrouping.Host));
    }

    [Fact]
    public async Task Percentiles_come_from_the_latency_histograms()
    {
        var p50 = (await ReadAsync("latency_p50"))["all"]!.Value;
        var p99 = (await ReadAsync("latency_p99"))["all"]!.Value;
        var p95ByHost = await ReadAsync("latency_p95", AlertGrouping.Host);

        Assert.InRange(p50, 10, 11);
        Assert.InRange(p99, 960, 1024);
        Assert.InRange(p95ByHost["host:web-01"]!.Value, 96, 104);
        Assert.InRange(p95ByHost["host:web-02"]!.Value, 960, 1024);
    }

    [Fact]
    public async Task Client_metrics_read_the_raw_rows_of_the_window()
    {
        // web-01's 30 requests come from 30 addresses, the 20 of b.example.com from 20 of the same, web-02's 10 from one.
        Assert.Equal(new Dictionary<string, double?> { ["all"] = 31 }, await ReadAsync("unique_clients"));
        Assert.Equal(new Dictionary<string, double?> { ["host:web-01"] = 30, ["host:web-02"] = 1 }, await ReadAsync("unique_clients", AlertGrouping.Host));
        Assert.Equal(new Dictionary<string, double?> { ["host:web-01"] = 2.0 / 50, ["host:web-02"] = 1 }, await ReadAsync("top_client_share", AlertGrouping.Host));
    }

    [Fact]
    public async Task Groups_include_those_seen_before_the_window_and_the_top_lists_follow_the_status_class()
    {
        var groups = await _reader.GroupsAsync(Rule("requests", AlertGrouping.Vhost), T0.AddMinutes(-30), Window.End, CancellationToken.None);
        var top = await _reader.TopAsync(Rule("ratio_5xx"), AlertScope.All, Window, 3, CancellationToken.None);

        Assert.Equal(["vhost:a.example.com", "vhost:b.example.com"], groups.Order());
        Assert.Equal([new TopEntry("/index.html", 10)], top.Paths);
        Assert.Equal([new TopEntry("198.51.100.9", 10)], top.Clients);
    }
}
