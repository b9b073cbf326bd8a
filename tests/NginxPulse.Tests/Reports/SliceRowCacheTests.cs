using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NginxPulse.Functions.Reports;
using NginxPulse.Functions.Reports.Queries;
using NginxPulse.Functions.Reports.Held;
using NginxPulse.Functions.Reports.Slices;
using Xunit;

namespace NginxPulse.Tests.Reports;

/// <summary>
/// <see cref="SliceRowCache"/> over real stored slices: a part answers only for the build it was read for, a fill for a
/// build no longer stored keeps nothing, and the least recently used parts go first when the bytes run out.
/// </summary>
public sealed class SliceRowCacheTests : IAsyncLifetime
{
    private ReportsHarness _harness = null!;

    public async Task InitializeAsync()
    {
        _harness = await ReportsHarness.WithRecordsAsync(KnownTraffic.Records);
        await ReportSlicesKeyedTests.Builder(_harness).RunAsync(CancellationToken.None);
    }

    public Task DisposeAsync() => _harness.DisposeAsync();

    [Fact]
    public async Task A_part_is_held_with_its_stored_rows_for_the_build_read_and_another_build_misses()
    {
        using var cache = Cache(1 << 20);
        var (part, build) = await PartAsync(SliceDimension.Paths, SliceScope.Site, KnownTraffic.Start);
        Assert.Null(cache.TryGetAll([(part, build)]));
        cache.RequestFill([(part, build)]);
        await cache.WhenIdleAsync();

        var held = Assert.Single(cache.TryGetAll([(part, build)])!);
        var stored = new List<string?>();
        await _harness.Database.ReadAsync(
            $"SELECT value FROM report_slice_value WHERE dimension = 1 AND span_minutes = 60 AND scope = 1 AND slice_utc = '{Literal(KnownTraffic.Start)}' AND row_no > 0 ORDER BY row_no",
            row => stored.Add(row.IsDBNull(0) ? null : row.GetString(0)));
        Assert.True(stored.Count >= 3, $"{stored.Count} stored rows");
        Assert.Equal(stored, held.Select(r => r.Value));
        Assert.All(held.Where(r => r.LatencyCount > 0), r => Assert.True(r.Histogram is not null && r.P95Bucket is not null));

        Assert.Null(cache.TryGetAll([(part, build with { Requests = build.Requests + 1 })]));
        Assert.Null(cache.TryGetAll([(part, build with { BuiltUtc = build.BuiltUtc.AddSeconds(1) })]));
        Assert.Null(cache.TryGetAll([(part, build), (part with { Scope = SliceScope.Vhost.Id, Vhost = KnownTraffic.Www }, build)]));
    }

    [Fact]
    public async Task A_fill_for_a_build_the_database_no_longer_stores_keeps_nothing()
    {
        using var cache = Cache(1 << 20);
        var (part, build) = await PartAsync(SliceDimension.Paths, SliceScope.Site, KnownTraffic.Start);
        var rebuilt = build with { Requests = build.Requests - 1 };
        cache.RequestFill([(part, rebuilt)]);
        await cache.WhenIdleAsync();
        Assert.Equal((0, 0L), cache.Size);
        Assert.Null(cache.TryGetAll([(part, rebuilt)]));
    }

    [Fact]
    public async Task The_least_recently_used_part_goes_first_when_the_bytes_run_out()
    {
        var parts = new List<(SlicePart Part, SliceBuild Build)>();
        foreach (var scope in new[] { SliceScope.Site, SliceScope.Vhost, SliceScope.Host })
            parts.Add(await PartAsync(SliceDimension.Paths, scope, KnownTraffic.Start));
        var bytes = new List<long>();
        using (var measure = Cache(1 << 20))
            foreach (var part in parts)
            {
                var before = measure.Size.Bytes;
                await FillAsync(measure, part);
                bytes.Add(measure.Size.Bytes - before);
            }
        Assert.All(bytes, b => Assert.True(b > 0));

        // Room for any two parts, not for three.
        using var cache = Cache(bytes.Sum() - 1);
        await FillAsync(cache, parts[0]);
        await FillAsync(cache, parts[1]);
        Assert.NotNull(cache.TryGetAll([parts[0]]));   // the first part used again: the second is now the least recent
        await FillAsync(cache, parts[2]);
        Assert.Equal(2, cache.Size.Entries);
        Assert.Equal(bytes[0] + bytes[2], cache.Size.Bytes);
        Assert.NotNull(cache.TryGetAll([parts[0], parts[2]]));
        Assert.Null(cache.TryGetAll([parts[1]]));
    }

    [Fact]
    public async Task It_is_nearly_full_once_what_it_holds_passes_three_quarters_of_its_bytes()
    {
        var part = await PartAsync(SliceDimension.Paths, SliceScope.Site, KnownTraffic.Start);
        long bytes;
        using (var measure = Cache(1 << 20))
        {
            await FillAsync(measure, part);
            bytes = measure.Size.Bytes;
        }

        // HeldAhead reads no filter's ranges ahead once the cache is nearly full.
        using var roomy = Cache(bytes * 4 / 3 + 4);
        await FillAsync(roomy, part);
        Assert.False(roomy.NearlyFull);
        using var tight = Cache(bytes * 4 / 3 - 4);
        await FillAsync(tight, part);
        Assert.Equal(1, tight.Size.Entries);
        Assert.True(tight.NearlyFull);
    }

    [Fact]
    public async Task A_cache_of_no_bytes_holds_nothing_and_reads_nothing()
    {
        using var cache = Cache(0);
        var part = await PartAsync(SliceDimension.Paths, SliceScope.Site, KnownTraffic.Start);
        cache.RequestFill([part]);
        await cache.WhenIdleAsync();
        Assert.False(cache.Enabled);
        Assert.Null(cache.TryGetAll([part]));
        Assert.Equal((0, 0L), cache.Size);
    }

    [Fact]
    public async Task A_disposed_cache_reads_nothing_more()
    {
        var cache = Cache(1 << 20);
        var part = await PartAsync(SliceDimension.Paths, SliceScope.Site, KnownTraffic.Start);
        cache.Dispose();
        cache.RequestFill([part]);
        await cache.WhenIdleAsync();
        Assert.Null(cache.TryGetAll([part]));
        Assert.Equal((0, 0L), cache.Size);
    }

    private SliceRowCache Cache(long capacityBytes) =>
        new(new ReportDatabase(_harness.Database.Connections, Options.Create(new ReportsOptions())), capacityBytes, NullLogger<SliceRowCache>.Instance);

    private static async Task FillAsync(SliceRowCache cache, (SlicePart Part, SliceBuild Build) part)
    {
        cache.RequestFill([part]);
        await cache.WhenIdleAsync();
        Assert.NotNull(cache.TryGetAll([part]));
    }

    /// <summary>The hour slice at <paramref name="hour"/> as stored: its part in the scope (the known traffic's www vhost and web-01 host) and its build.</summary>
    private async Task<(SlicePart Part, SliceBuild Build)> PartAsync(SliceDimension dimension, SliceScope scope, DateTime hour)
    {
        var rows = new List<(long, DateTime)>();
        await _harness.Database.ReadAsync($"SELECT requests, built_utc FROM report_slice WHERE span_minutes = 60 AND slice_utc = '{Literal(hour)}'",
            row => rows.Add((Convert.ToInt64(row.GetValue(0)), row.GetDateTime(1))));
        var (requests, built) = Assert.Single(rows);
        var part = new SlicePart(dimension.Id, new SliceId(SliceId.Hour, hour), scope.Id, scope.ByVhost ? KnownTraffic.Www : "", scope.ByHost ? "web-01" : "");
        return (part, new SliceBuild(requests, built));
    }

    private static string Literal(DateTime time) => time.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
}
