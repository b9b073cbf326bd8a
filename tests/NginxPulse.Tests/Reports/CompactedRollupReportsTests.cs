using Microsoft.Extensions.Logging.Abstractions;
using NginxPulse.Functions.MaintainStorage;
using Xunit;

namespace NginxPulse.Tests.Reports;

/// <summary>
/// After MaintainStorage compacts old minute rollups into rollup_hour / rollup_histogram_hour (deleting the minutes),
/// the rollup-backed reports still count every request exactly once, at hourly resolution.
/// </summary>
public sealed class CompactedRollupReportsTests : IAsyncLifetime
{
    private readonly ReportsHarness _harness = new();

    public Task InitializeAsync() => _harness.InitializeAsync();

    public Task DisposeAsync() => _harness.DisposeAsync();

    [Fact]
    public async Task Summary_timeseries_and_bandwidth_answer_the_same_totals_after_compaction()
    {
        (string, string)[] day = [("from", "2026-11-21T12:00:00Z"), ("to", "2026-11-21T18:00:00Z"), ("step", "1h")];
        var before = await Figures();

        var moved = await new RollupCompactor(_harness.Database.Connections, NullLogger<RollupCompactor>.Instance)
            .CompactBeforeAsync(new DateTime(2026, 11, 22, 0, 0, 0, DateTimeKind.Utc), CancellationToken.None);

        Assert.True(moved > 0);
        Assert.Equal(0, await _harness.Database.ScalarAsync("SELECT COUNT(*) FROM rollup_minute"));
        Assert.Equal(0, await _harness.Database.ScalarAsync("SELECT COUNT(*) FROM rollup_histogram_minute_by_hour"));
        Assert.Equal(before, await Figures());
        // A range that starts inside a compacted hour still sees that hour (at hourly resolution).
        var partial = await _harness.JsonAsync("summary", ("from", "2026-11-21T14:30:00Z"), ("to", "2026-11-21T15:00:00Z"));
        Assert.Equal("requests=10 p95Ms=31", ReportsTests.Row(partial, 0, "requests", "p95Ms"));

        async Task<string> Figures()
        {
            var summary = await _harness.JsonAsync("summary", day);
            var series = await _harness.JsonAsync("timeseries", day);
            var bandwidth = await _harness.JsonAsync("bandwidth95", day);
            return ReportsTests.Row(summary, 0, "requests", "bytes", "status2xx", "status5xx", "botRequests", "latencyCount", "p50Ms", "p95Ms", "p99Ms") + " | " +
                string.Join(" ", ReportsTests.Rows(series, "requests", "p95Ms")) + " | " + ReportsTests.Row(bandwidth, 0, "totalBytes");
        }
    }
}
