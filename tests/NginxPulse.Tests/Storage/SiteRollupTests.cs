using NginxPulse.Functions.Parsing;
using NginxPulse.Functions.Storage;
using NginxPulse.Tests.Support;
using Xunit;

namespace NginxPulse.Tests.Storage;

/// <summary>
/// The whole site's minutes (rollup_site_minute) and the 5-minute client sets, the site's (five_minute_site_clients)
/// and each vhost's and host's (five_minute_clients): exact under increments, repeats and recomputation, checked by
/// the verifier, back-filled by their migrations.
/// </summary>
public sealed class SiteRollupTests : IAsyncLifetime
{
    private const string Group = "nginxpulse-ingest";
    private static readonly DateTime Minute = new(2026, 11, 21, 14, 3, 0, DateTimeKind.Utc);

    private TestDatabase _db = null!;
    private AccessLogStore _store = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _store = _db.NewStore();
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task Batches_of_two_hosts_add_up_in_the_site_minute_counters_and_histogram()
    {
        await _store.StoreAsync(Group, Items(0, [Request(1, 0, "web-01", 200, 5), Request(2, 10, "web-01", 404, 120)]), CancellationToken.None);
        await _store.StoreAsync(Group, Items(1, [Request(3, 20, "web-02", 503, 5), Request(4, 30, "web-02", 200, null), Request(5, 70, "web-02", 200, 40)]), CancellationToken.None);

        Assert.Equal("14:03 4 400 2 1 1 3 130", await SiteRowAsync(Minute));
        Assert.Equal("14:04 1 100 1 0 0 1 40", await SiteRowAsync(Minute.AddMinutes(1)));
        Assert.Equal(Histogram(5, 120, 5), (await _db.HistogramAsync("rollup_site_minute", $"minute_utc = '{Minute:yyyy-MM-dd HH:mm:ss}'")).ToString());
        Assert.Empty(await _db.VerifyRollupsAsync());
    }

    [Fact]
    public async Task A_batch_mixing_new_and_repeated_lines_recomputes_the_site_minute_exactly_and_a_repeat_changes_nothing()
    {
        var first = Items(0, [Request(1, 0, "web-01", 200, 5), Request(2, 10, "web-01", 200, 7)]);
        await _store.StoreAsync(Group, first, CancellationToken.None);
        await _store.StoreAsync(Group, Items(1, [Request(3, 15, "web-02", 500, 300)]), CancellationToken.None);

        // A re-shipment of line 1 at new offsets together with a new line: the touched minute is recomputed.
        var outcome = await _store.StoreAsync(Group, Items(0, [Request(1, 0, "web-01", 200, 5), Request(6, 50, "web-01", 200, 9)], firstOffset: 10), CancellationToken.None);
        var snapshot = await _db.SnapshotAsync();
        await _store.StoreAsync(Group, Items(0, [Request(1, 0, "web-01", 200, 5), Request(6, 50, "web-01", 200, 9)], firstOffset: 20), CancellationToken.None);

        Assert.True(outcome.RollupsRecomputed);
        Assert.Equal("14:03 4 400 3 0 1 4 321", await SiteRowAsync(Minute));
        Assert.Equal(Histogram(5, 7, 300, 9), (await _db.HistogramAsync("rollup_site_minute")).ToString());
        Assert.Equal(snapshot, await _db.SnapshotAsync());
        Assert.Empty(await _db.VerifyRollupsAsync());
    }

    [Fact]
    public async Task The_verifier_reports_a_site_minute_that_differs_from_the_sum_of_its_scopes()
    {
        await _store.StoreAsync(Group, Items(0, [Request(1, 0, "web-01", 200, 5), Request(2, 10, "web-02", 200, 80)]), CancellationToken.None);

        await _db.ExecuteAsync("UPDATE rollup_site_minute SET requests = requests + 1");
        var counters = await _db.VerifyRollupsAsync();
        await _db.ExecuteAsync($"UPDATE rollup_site_minute SET requests = requests - 1, histogram = X'{Convert.ToHexString(Packed(5))}'");
        var histogram = await _db.VerifyRollupsAsync();

        Assert.Equal(["rollup_site_minute 2026-11-21 14:03"], counters.Select(m => $"{m.Table} {m.Key}"));
        Assert.Equal(["rollup_site_minute.histogram 2026-11-21 14:03 |  | "], histogram.Select(m => $"{m.Table} {m.Key}"));
    }

    [Fact]
    public async Task The_store_writes_each_clients_5_minutes_once_per_site_and_once_per_vhost_and_host()
    {
        await _store.StoreAsync(Group, Items(0,
        [
            Request(1, 0, "web-01", 200, 5, "10.0.0.1"), Request(2, 60, "web-02", 200, 5, "10.0.0.1"),
            Request(3, 100, "web-01", 200, 5, "10.0.0.2"), Request(4, 130, "web-01", 200, 5, "10.0.0.1"),
        ]), CancellationToken.None);
        // 10.0.0.2 again in 14:00-14:05, and in 14:05-14:10 for the first time (the store remembers clients per 5 minutes, not per hour).
        await _store.StoreAsync(Group, Items(1, [Request(5, 110, "web-02", 200, 5, "10.0.0.2"), Request(6, 200, "web-02", 200, 5, "10.0.0.2")]), CancellationToken.None);

        // 14:03 and 14:04 are in 14:00-14:05; 14:04:40 too; 14:05:10 and 14:06:20 in the next 5 minutes.
        Assert.Equal(
            $"2026-11-21 14:00:00/{Min("10.0.0.1", "10.0.0.2")};2026-11-21 14:00:00/{Max("10.0.0.1", "10.0.0.2")};" +
            $"2026-11-21 14:05:00/{Min("10.0.0.1", "10.0.0.2")};2026-11-21 14:05:00/{Max("10.0.0.1", "10.0.0.2")}",
            await TextAsync("SELECT GROUP_CONCAT(CONCAT_WS('/', minute_utc, client_hash) ORDER BY minute_utc, client_hash SEPARATOR ';') FROM five_minute_site_clients"));
        // Odd lines are api.example.com, even ones www.example.com: 10.0.0.1 and 10.0.0.2 in 14:00-14:05 on two scopes each.
        Assert.Equal(
        [
            $"14:00 api.example.com web-01 {Min("10.0.0.1", "10.0.0.2")}", $"14:00 api.example.com web-01 {Max("10.0.0.1", "10.0.0.2")}",
            $"14:00 api.example.com web-02 {ClientHash.Of("10.0.0.2")}", $"14:00 www.example.com web-02 {ClientHash.Of("10.0.0.1")}",
            $"14:05 www.example.com web-01 {ClientHash.Of("10.0.0.1")}", $"14:05 www.example.com web-02 {ClientHash.Of("10.0.0.2")}",
        ], await ScopeSetsAsync());
    }

    [Fact]
    public async Task Migrations_0040_0041_and_0042_back_fill_the_site_minutes_and_the_5_minute_sets_from_stored_data_and_can_run_again()
    {
        await _store.StoreAsync(Group, Items(0, [Request(1, 0, "web-01", 200, 5, "10.0.0.1"), Request(2, 10, "web-02", 404, 120, "10.0.0.2")]), CancellationToken.None);
        await _store.StoreAsync(Group, Items(1, [Request(3, 400, "web-02", 200, null, "10.0.0.2")]), CancellationToken.None);
        var stored = await _db.SnapshotAsync();
        var scopeSets = await ScopeSetsAsync();
        // The schema as it was before 0040, 0041 and 0042.
        await _db.ExecuteAsync("DELETE FROM schema_migrations WHERE version IN (40, 41, 42)");
        await _db.ExecuteAsync("DROP TABLE rollup_site_minute, five_minute_site_clients, five_minute_clients");

        await _db.Migrator.MigrateAsync(CancellationToken.None);

        Assert.Equal("14:03 2 200 1 1 0 2 125", await SiteRowAsync(Minute));
        Assert.Equal("14:09 1 100 1 0 0 0 0", await SiteRowAsync(Minute.AddMinutes(6)));
        Assert.Equal(Histogram(5, 120), (await _db.HistogramAsync("rollup_site_minute")).ToString());
        Assert.Equal(3, scopeSets.Length);
        Assert.Equal(scopeSets, await ScopeSetsAsync());
        Assert.Equal(stored, await _db.SnapshotAsync());
        Assert.Empty(await _db.VerifyRollupsAsync());

        // A crash between the scripts and their ledger rows runs them again: nothing changes.
        await _db.ExecuteAsync("DELETE FROM schema_migrations WHERE version IN (40, 41, 42)");
        await _db.Migrator.MigrateAsync(CancellationToken.None);
        Assert.Equal(stored, await _db.SnapshotAsync());
    }

    [Fact]
    public async Task A_repeated_batch_leaves_the_scopes_5_minute_sets_as_they_are_and_a_partly_repeated_one_adds_its_new_lines_clients_whichever_replica_stores_it()
    {
        AccessRecord[] stored = [Request(2, 0, "web-01", 200, 5, "10.0.0.1"), Request(1, 10, "web-01", 200, 5, "10.0.0.2")];
        await _store.StoreAsync(Group, Items(0, stored), CancellationToken.None);
        var snapshot = await _db.SnapshotAsync();

        // Re-shipped lines at new offsets, by a replica that remembers nothing: every row is a duplicate.
        var repeat = await _db.NewStore().StoreAsync(Group, Items(0, stored, firstOffset: 10), CancellationToken.None);
        var afterRepeat = await _db.SnapshotAsync();
        // A re-shipped line with a new one: the touched minute is recomputed and the new client added.
        var mixed = await _db.NewStore().StoreAsync(Group, Items(0, [stored[0], Request(4, 20, "web-01", 200, 5, "10.0.0.3")], firstOffset: 20), CancellationToken.None);

        Assert.Equal((0, 2), (repeat.RecordsInserted, repeat.RecordsDuplicate));
        Assert.Equal(snapshot, afterRepeat);
        Assert.True(mixed.RollupsRecomputed);
        string[] expected =
        [
            $"14:00 api.example.com web-01 {ClientHash.Of("10.0.0.2")}",
            .. new[] { "10.0.0.1", "10.0.0.3" }.Select(ClientHash.Of).Order().Select(h => $"14:00 www.example.com web-01 {h}"),
        ];
        Assert.Equal(expected, await ScopeSetsAsync());
    }

    /// <summary>"hh:mm vhost host client_hash" of every five_minute_clients row, in primary-key order.</summary>
    private async Task<string[]> ScopeSetsAsync()
    {
        var rows = await TextAsync("SELECT GROUP_CONCAT(CONCAT_WS(' ', DATE_FORMAT(minute_utc, '%H:%i'), vhost, host, client_hash) ORDER BY minute_utc, vhost, host, client_hash SEPARATOR ';') FROM five_minute_clients");
        return rows.Split(';', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>"hh:mm requests bytes 2xx 4xx 5xx latencyCount latencySumMs".</summary>
    private async Task<string> SiteRowAsync(DateTime minute) => await TextAsync($"""
        SELECT CONCAT_WS(' ', DATE_FORMAT(minute_utc, '%H:%i'), requests, bytes, status_2xx, status_4xx, status_5xx, latency_count, latency_sum_ms)
        FROM rollup_site_minute WHERE minute_utc = '{minute:yyyy-MM-dd HH:mm:ss}'
        """);

    private static string Histogram(params int[] milliseconds)
    {
        var counts = new LatencyCounts();
        foreach (var ms in milliseconds) counts.Add(LatencyHistogram.Bucket(ms), 1);
        return counts.ToString();
    }

    private static byte[] Packed(int milliseconds)
    {
        var counts = new LatencyCounts();
        counts.Add(LatencyHistogram.Bucket(milliseconds), 1);
        return counts.Pack();
    }

    private static ulong Min(string a, string b) => Math.Min(ClientHash.Of(a), ClientHash.Of(b));

    private static ulong Max(string a, string b) => Math.Max(ClientHash.Of(a), ClientHash.Of(b));

    private static List<IngestItem> Items(int partition, AccessRecord[] records, long firstOffset = 0) =>
        AccessRecordBuilder.Items(records, firstOffset, partition);

    private static AccessRecord Request(int line, int seconds, string host, int status, int? latencyMs, string client = "10.0.0.1") => new()
    {
        Id = RecordId.FromSource(host, "inode:7", line * 100L),
        TimeUtc = Minute.AddSeconds(seconds),
        Vhost = line % 2 == 0 ? "www.example.com" : "api.example.com",
        Host = host,
        RemoteAddr = client,
        ClientIp = client,
        Method = "GET",
        Path = "/",
        Protocol = "HTTP/1.1",
        Status = status,
        BytesSent = 100,
        RequestTimeMs = latencyMs,
        SourceFile = "/var/log/nginx/access.log",
        SourceOffset = line * 100L,
    };

    private async Task<string> TextAsync(string sql)
    {
        await using var connection = await _db.Connections.OpenAsync(CancellationToken.None);
        await using var cmd = new MySql.Data.MySqlClient.MySqlCommand(sql, connection);
        return Convert.ToString(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture)!;
    }
}
