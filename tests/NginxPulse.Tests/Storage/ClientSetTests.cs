using NginxPulse.Functions.Storage;
using Xunit;

namespace NginxPulse.Tests.Storage;

/// <summary>The hashed client sets: the hash agrees with MariaDB's, migration 0024 converts visitor_hour, and the
/// store's memory of committed clients (hourly and 5-minute sets, per scope and per site, alike).</summary>
public sealed class ClientSetTests : IAsyncLifetime
{
    private static readonly DateTime Hour = new(2026, 11, 21, 14, 0, 0, DateTimeKind.Utc);

    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Theory]
    [InlineData("203.0.113.7")]
    [InlineData("2001:db8:85a3::8a2e:370:7334")]
    [InlineData("unix:")]
    [InlineData("")]
    [InlineData("k\u00fcnde-\u6771\u4eac-\U0001F600")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123")]
    public async Task The_client_hash_computed_here_equals_the_one_MariaDB_computes_from_the_same_text(string client)
    {
        await using var connection = await _db.Connections.OpenAsync(CancellationToken.None);
        await using var cmd = new MySql.Data.MySqlClient.MySqlCommand($"SELECT CAST({ClientHash.Sql("@c")} AS CHAR)", connection);
        cmd.Parameters.AddWithValue("@c", client);

        Assert.Equal(ClientHash.Of(client).ToString(System.Globalization.CultureInfo.InvariantCulture), (string)(await cmd.ExecuteScalarAsync())!);
    }

    [Fact]
    public void Distinct_clients_get_distinct_hashes()
    {
        var clients = Enumerable.Range(0, 1 << 16).Select(i => $"10.{i >> 8}.{i & 255}.1")
            .Concat(Enumerable.Range(0, 1 << 16).Select(i => $"2001:db8::{i:x}")).ToList();

        Assert.Equal(clients.Count, clients.Select(ClientHash.Of).Distinct().Count());
    }

    [Fact]
    public async Task Migration_0024_turns_visitor_hour_into_hashed_sets_per_host_and_per_site_and_can_run_again()
    {
        // The schema as it was before 0024, with sets stored by text.
        await _db.ExecuteAsync("DELETE FROM schema_migrations WHERE version = 24");
        await _db.ExecuteAsync("DROP TABLE hourly_clients, hourly_site_clients");
        await _db.ExecuteAsync("""
            CREATE TABLE visitor_hour (hour_utc DATETIME NOT NULL, vhost VARCHAR(255) NOT NULL, host VARCHAR(255) NOT NULL,
              client VARCHAR(64) NOT NULL, PRIMARY KEY (hour_utc, vhost, host, client)) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin
            """);
        await _db.ExecuteAsync("""
            INSERT INTO visitor_hour VALUES
              ('2026-11-21 14:00:00', 'a.example.com', 'web-01', '203.0.113.7'),
              ('2026-11-21 14:00:00', 'b.example.com', 'web-02', '203.0.113.7'),
              ('2026-11-21 14:00:00', 'a.example.com', 'web-01', '2001:db8::1'),
              ('2026-11-21 15:00:00', 'a.example.com', 'web-01', '203.0.113.7')
            """);

        await _db.Migrator.MigrateAsync(CancellationToken.None);

        var seven = ClientHash.Of("203.0.113.7");
        var six = ClientHash.Of("2001:db8::1");
        Assert.Equal(
            $"2026-11-21 14:00:00/a.example.com/web-01/{Min(seven, six)};2026-11-21 14:00:00/a.example.com/web-01/{Max(seven, six)};" +
            $"2026-11-21 14:00:00/b.example.com/web-02/{seven};2026-11-21 15:00:00/a.example.com/web-01/{seven}",
            await TextAsync("SELECT GROUP_CONCAT(CONCAT_WS('/', hour_utc, vhost, host, client_hash) ORDER BY hour_utc, vhost, host, client_hash SEPARATOR ';') FROM hourly_clients"));
        Assert.Equal($"2026-11-21 14:00:00/{Min(seven, six)};2026-11-21 14:00:00/{Max(seven, six)};2026-11-21 15:00:00/{seven}",
            await TextAsync("SELECT GROUP_CONCAT(CONCAT_WS('/', hour_utc, client_hash) ORDER BY hour_utc, client_hash SEPARATOR ';') FROM hourly_site_clients"));
        Assert.Equal(0, await _db.ScalarAsync($"SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '{_db.Name}' AND TABLE_NAME = 'visitor_hour'"));

        // A crash between the script and its ledger row runs it again: nothing changes.
        var snapshot = await _db.SnapshotAsync();
        await _db.ExecuteAsync("DELETE FROM schema_migrations WHERE version = 24");
        await _db.Migrator.MigrateAsync(CancellationToken.None);
        Assert.Equal(snapshot, await _db.SnapshotAsync());
        Assert.Equal(4, await _db.ScalarAsync("SELECT COUNT(*) FROM hourly_clients"));
    }

    [Fact]
    public void The_store_resends_clients_until_their_batch_commits_and_forgets_hours_two_behind_the_newest()
    {
        var writer = new VisitorWriter();
        static Functions.Parsing.AccessRecord at(int hour, string client) =>
            new() { TimeUtc = Hour.AddHours(hour), Vhost = "www.example.com", Host = "web-01", RemoteAddr = "10.0.0.1", ClientIp = client };
        IReadOnlyList<Functions.Parsing.AccessRecord> first = [at(0, "203.0.113.1"), at(0, "203.0.113.1"), at(0, "203.0.113.2")];

        var rolledBack = writer.Collect(first);
        var retried = writer.Collect(first);
        writer.Committed(retried);
        var again = writer.Collect([.. first, at(0, "203.0.113.3")]);
        writer.Committed(writer.Collect([at(3, "203.0.113.9")]));
        var afterOldHourForgotten = writer.Collect(first);

        Assert.Equal((2, 2, 2, 2), (rolledBack.ByHost.Count, rolledBack.Site.Count, rolledBack.ByHostFiveMinutes.Count, rolledBack.SiteFiveMinutes.Count));
        Assert.Equal(rolledBack.ByHost, retried.ByHost);
        Assert.Equal(rolledBack.Site, retried.Site);
        Assert.Equal(rolledBack.ByHostFiveMinutes, retried.ByHostFiveMinutes);
        Assert.Equal(rolledBack.SiteFiveMinutes, retried.SiteFiveMinutes);
        Assert.Equal([ClientHash.Of("203.0.113.3")], again.ByHost.Select(k => k.Client.Client));
        Assert.Equal([ClientHash.Of("203.0.113.3")], again.Site.Select(k => k.Client));
        Assert.Equal([ClientHash.Of("203.0.113.3")], again.ByHostFiveMinutes.Select(k => k.Client.Client));
        Assert.Equal([ClientHash.Of("203.0.113.3")], again.SiteFiveMinutes.Select(k => k.Client));
        Assert.Equal((2, 2, 2, 2), (afterOldHourForgotten.ByHost.Count, afterOldHourForgotten.Site.Count, afterOldHourForgotten.ByHostFiveMinutes.Count, afterOldHourForgotten.SiteFiveMinutes.Count));
    }

    private static ulong Min(ulong a, ulong b) => Math.Min(a, b);

    private static ulong Max(ulong a, ulong b) => Math.Max(a, b);

    private async Task<string> TextAsync(string sql)
    {
        await using var connection = await _db.Connections.OpenAsync(CancellationToken.None);
        await using var cmd = new MySql.Data.MySqlClient.MySqlCommand(sql, connection);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }
}
