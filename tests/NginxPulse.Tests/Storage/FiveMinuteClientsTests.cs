using NginxPulse.Functions.Parsing;
using NginxPulse.Functions.Storage;
using NginxPulse.Tests.Support;
using Xunit;

namespace NginxPulse.Tests.Storage;

/// <summary>
/// Each vhost's and host's 5-minute client sets (five_minute_clients): written once per client, 5 minutes, vhost and
/// host whether a batch is new, repeated or partly repeated, and back-filled from the raw rows by migration 0042.
/// </summary>
public sealed class FiveMinuteClientsTests : IAsyncLifetime
{
    private const string Group = "nginxpulse-ingest";
    private static readonly DateTime Minute = new(2026, 11, 21, 14, 3, 0, DateTimeKind.Utc);

    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task The_store_writes_each_clients_5_minutes_once_per_vhost_and_host()
    {
        var store = _db.NewStore();
        await store.StoreAsync(Group, Items(0,
        [
            Request(1, 0, "www.example.com", "web-01", "10.0.0.1"), Request(2, 10, "www.example.com", "web-01", "10.0.0.1"),
            Request(3, 20, "www.example.com", "web-02", "10.0.0.1"), Request(4, 30, "api.example.com", "web-01", "10.0.0.2"),
        ]), CancellationToken.None);
        // 10.0.0.2 again in 14:00-14:05 (remembered, not sent again), and in 14:05-14:10 for the first time.
        await store.StoreAsync(Group, Items(1, [Request(5, 40, "api.example.com", "web-01", "10.0.0.2"), Request(6, 130, "api.example.com", "web-01", "10.0.0.2")]), CancellationToken.None);

        Assert.Equal(
        [
            $"14:00 api.example.com web-01 {ClientHash.Of("10.0.0.2")}",
            $"14:00 www.example.com web-01 {ClientHash.Of("10.0.0.1")}",
            $"14:00 www.example.com web-02 {ClientHash.Of("10.0.0.1")}",
            $"14:05 api.example.com web-01 {ClientHash.Of("10.0.0.2")}",
        ], await SetsAsync());
    }

    [Fact]
    public async Task A_repeated_batch_changes_nothing_and_a_partly_repeated_one_adds_only_its_new_lines_clients_whichever_replica_stores_it()
    {
        await _db.NewStore().StoreAsync(Group, Items(0, [Request(1, 0, "www.example.com", "web-01", "10.0.0.1"), Request(2, 10, "api.example.com", "web-01", "10.0.0.2")]), CancellationToken.None);
        var stored = await _db.SnapshotAsync();

        // Re-shipped lines at new offsets, by a replica that remembers nothing: every row is a duplicate.
        var repeat = await _db.NewStore().StoreAsync(Group, Items(0, [Request(1, 0, "www.example.com", "web-01", "10.0.0.1"), Request(2, 10, "api.example.com", "web-01", "10.0.0.2")], firstOffset: 10), CancellationToken.None);
        var afterRepeat = await _db.SnapshotAsync();
        // A re-shipped line with a new one: the touched minute is recomputed and the new client added.
        var mixed = await _db.NewStore().StoreAsync(Group, Items(0, [Request(1, 0, "www.example.com", "web-01", "10.0.0.1"), Request(3, 20, "www.example.com", "web-01", "10.0.0.3")], firstOffset: 20), CancellationToken.None);

        Assert.Equal((0, 2), (repeat.RecordsInserted, repeat.RecordsDuplicate));
        Assert.Equal(stored, afterRepeat);
        Assert.True(mixed.RollupsRecomputed);
        string[] expected =
        [
            $"14:00 api.example.com web-01 {ClientHash.Of("10.0.0.2")}",
            .. new[] { "10.0.0.1", "10.0.0.3" }.Select(ClientHash.Of).Order().Select(h => $"14:00 www.example.com web-01 {h}"),
        ];
        Assert.Equal(expected, await SetsAsync());
    }

    [Fact]
    public async Task Migration_0042_back_fills_the_scopes_5_minute_sets_from_the_raw_rows_and_can_run_again()
    {
        await _db.NewStore().StoreAsync(Group, Items(0,
        [
            Request(1, 0, "www.example.com", "web-01", "10.0.0.1"), Request(2, 10, "www.example.com", "web-02", "10.0.0.1"),
            Request(3, 400, "api.example.com", "web-01", "10.0.0.2"), Request(4, 410, "api.example.com", "web-01", "10.0.0.2"),
        ]), CancellationToken.None);
        var stored = await _db.SnapshotAsync();
        // The schema as it was before 0042.
        await _db.ExecuteAsync("DELETE FROM schema_migrations WHERE version = 42");
        await _db.ExecuteAsync("DROP TABLE five_minute_clients");

        await _db.Migrator.MigrateAsync(CancellationToken.None);

        Assert.Equal(stored, await _db.SnapshotAsync());
        Assert.Equal(3, await _db.ScalarAsync("SELECT COUNT(*) FROM five_minute_clients"));

        // A crash between the script and its ledger row runs it again: nothing changes.
        await _db.ExecuteAsync("DELETE FROM schema_migrations WHERE version = 42");
        await _db.Migrator.MigrateAsync(CancellationToken.None);
        Assert.Equal(stored, await _db.SnapshotAsync());
    }

    /// <summary>"hh:mm vhost host client_hash" of every five_minute_clients row, in primary-key order.</summary>
    private async Task<string[]> SetsAsync()
    {
        await using var connection = await _db.Connections.OpenAsync(CancellationToken.None);
        await using var cmd = new MySql.Data.MySqlClient.MySqlCommand(
            "SELECT CONCAT_WS(' ', DATE_FORMAT(minute_utc, '%H:%i'), vhost, host, client_hash) FROM five_minute_clients ORDER BY minute_utc, vhost, host, client_hash", connection);
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return [.. rows];
    }

    private static List<IngestItem> Items(int partition, AccessRecord[] records, long firstOffset = 0) =>
        AccessRecordBuilder.Items(records, firstOffset, partition);

    private static AccessRecord Request(int line, int seconds, string vhost, string host, string client) => new()
    {
        Id = RecordId.FromSource(host, "inode:9", line * 100L),
        TimeUtc = Minute.AddSeconds(seconds),
        Vhost = vhost,
        Host = host,
        RemoteAddr = client,
        ClientIp = client,
        Method = "GET",
        Path = "/",
        Protocol = "HTTP/1.1",
        Status = 200,
        BytesSent = 100,
        RequestTimeMs = 5,
        SourceFile = "/var/log/nginx/access.log",
        SourceOffset = line * 100L,
    };
}
