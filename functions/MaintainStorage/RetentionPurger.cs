using Microsoft.Extensions.Logging;
using MySql.Data.MySqlClient;
using NginxPulse.Functions.Storage;

namespace NginxPulse.Functions.MaintainStorage;

/// <summary>Deletes old rows in small batches so no purge holds long locks against ingest.</summary>
public sealed class RetentionPurger
{
    private const int BatchSize = 5000;

    private readonly MySqlConnectionFactory _connections;
    private readonly ILogger<RetentionPurger> _logger;

    public RetentionPurger(MySqlConnectionFactory connections, ILogger<RetentionPurger> logger)
    {
        _connections = connections;
        _logger = logger;
    }

    public Task<long> PurgeDeadLettersAsync(DateTime before, CancellationToken ct) =>
        PurgeAsync("dead_letter", "received_utc < @before", before, ct);

    /// <summary>Only delivered rows: an undelivered notification is kept however old it is.</summary>
    public Task<long> PurgeDeliveredOutboxAsync(DateTime before, CancellationToken ct) =>
        PurgeAsync("alert_outbox", "delivered_utc IS NOT NULL AND delivered_utc < @before", before, ct);

    public Task<long> PurgeAlertHistoryAsync(DateTime before, CancellationToken ct) =>
        PurgeAsync("alert_history", "at_utc < @before", before, ct);

    /// <summary>
    /// The client sets (visitors) of times before <paramref name="before"/>: hourly and 5-minute ones, per scope and per
    /// site, and the site's and the scopes' day sets of the days before its day. A folded hour's (5 minutes') record goes
    /// with its time: the part of a day kept then reads its hours from the hourly sets.
    /// </summary>
    public async Task<long> PurgeClientSetsAsync(DateTime before, CancellationToken ct) =>
        await PurgeAsync("day_site_clients_hour", "hour_utc < @before", before, ct) +
        await PurgeAsync("day_site_clients_five", "five_utc < @before", before, ct) +
        await PurgeAsync("day_site_clients", "day_utc < DATE(@before)", before, ct) +
        await PurgeScopeDaysAsync(before, ct) +
        await PurgeAsync("hourly_clients", "hour_utc < @before", before, ct) +
        await PurgeAsync("hourly_site_clients", "hour_utc < @before", before, ct) +
        await PurgeAsync("five_minute_clients", "minute_utc < @before", before, ct) +
        await PurgeAsync("five_minute_site_clients", "minute_utc < @before", before, ct);

    /// <summary>The report slices (and their values) of times before <paramref name="before"/>.</summary>
    public async Task<long> PurgeReportSlicesAsync(DateTime before, CancellationToken ct) =>
        await PurgeAsync("report_slice", "slice_utc < @before", before, ct) +
        await PurgeAsync("report_slice_value", "slice_utc < @before", before, ct);

    /// <summary>
    /// day_clients is keyed by scope before day, so a day's rows are spread over every scope's range: deleted one scope
    /// (scope, vhost, host) at a time, each a range of the primary key, where one DELETE by day alone would scan the
    /// whole table for every batch.
    /// </summary>
    private async Task<long> PurgeScopeDaysAsync(DateTime before, CancellationToken ct)
    {
        var scopes = new List<(int Scope, string Vhost, string Host)>();
        await using (var connection = await _connections.OpenAsync(ct))
        await using (var cmd = new MySqlCommand("SELECT DISTINCT scope, vhost, host FROM day_clients", connection))
            await RowStream.ReadAsync(cmd, row => scopes.Add((Convert.ToInt32(row.GetValue(0)), row.GetString(1), row.GetString(2))), ct);
        long total = 0;
        foreach (var (scope, vhost, host) in scopes)
            total += await DeleteAsync("day_clients", "scope = @scope AND vhost = @vhost AND host = @host AND day_utc < DATE(@before)", before,
                [("@scope", scope), ("@vhost", vhost), ("@host", host)], ct);
        LogPurged(total, before, "day_clients");
        return total;
    }

    private async Task<long> PurgeAsync(string table, string where, DateTime before, CancellationToken ct)
    {
        var total = await DeleteAsync(table, where, before, [], ct);
        LogPurged(total, before, table);
        return total;
    }

    private async Task<long> DeleteAsync(string table, string where, DateTime before, IReadOnlyList<(string Name, object Value)> values, CancellationToken ct)
    {
        long total = 0;
        await using var connection = await _connections.OpenAsync(ct);
        while (true)
        {
            await using var cmd = new MySqlCommand($"DELETE FROM {table} WHERE {where} LIMIT {BatchSize}", connection);
            cmd.Parameters.AddWithValue("@before", before);
            foreach (var (name, value) in values) cmd.Parameters.AddWithValue(name, value);
            var deleted = await cmd.RunAsync(ct);
            total += deleted;
            if (deleted < BatchSize) break;
        }
        return total;
    }

    private void LogPurged(long rows, DateTime before, string table) =>
        _logger.LogInformation("Purged {Rows} rows older than {Before:o} from {Table}", rows, before, table);
}
