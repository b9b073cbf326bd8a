using System.Data;
using System.Globalization;
using Microsoft.Extensions.Logging;
using MySql.Data.MySqlClient;
using NginxPulse.Functions.Storage;

namespace NginxPulse.Functions.Reports.Slices;

/// <summary>
/// Folds the whole site's hourly client sets into day sets (day_site_clients: a client per day with a bit per hour it
/// was seen in), so an unfiltered summary reads a day's whole hours from one row per client instead of one per client
/// and hour. Each complete hour from the oldest stored raw row's day on is folded when its rollup requests differ from
/// those recorded with its last fold (day_site_clients_hour) or it has none, at most
/// <see cref="ReportSlicesOptions.MaxSlicesPerRun"/> hours per run, oldest first. The requests are read before the
/// hour's set: rows stored in between make the fold a superset of what the record says, so a reader (which uses a
/// folded hour only while the record equals the hour's rollup requests in its snapshot) reads that hour from its
/// hourly set until the next run refolds it. Sets only grow (raw rows are only inserted), so folding is an OR.
/// </summary>
public sealed class DaySiteClientsFolder(MySqlConnectionFactory connections, ReportSlicesOptions options, ILogger logger)
{
    public async Task<IReadOnlyList<DateTime>> FoldAsync(DateTime now, CancellationToken ct)
    {
        var due = new List<(DateTime Hour, long Requests)>();
        await using (var connection = await connections.OpenAsync(ct))
        {
            if (await ReportSliceBuilder.OldestRawAsync(connection, ct) is not { } oldest) return [];
            await using var cmd = new MySqlCommand($"""
                SELECT h.hour_utc, h.requests FROM ({SiteHourRequests.Select("@oldest", "@hour_cutoff")}) h
                LEFT JOIN day_site_clients_hour f ON f.hour_utc = h.hour_utc
                WHERE h.requests > 0 AND (f.requests IS NULL OR f.requests <> h.requests)
                ORDER BY h.hour_utc
                LIMIT {options.MaxSlicesPerRun.ToString(CultureInfo.InvariantCulture)}
                """, connection);
            cmd.Parameters.AddWithValue("@oldest", oldest.Date);
            cmd.Parameters.AddWithValue("@hour_cutoff", RollupDelta.HourOf(now));
            await RowStream.ReadAsync(cmd, row => due.Add((DateTime.SpecifyKind(row.GetDateTime(0), DateTimeKind.Utc), Convert.ToInt64(row.GetValue(1)))), ct);
        }
        foreach (var (hour, requests) in due) await FoldHourAsync(hour, requests, ct);
        return due.Select(d => d.Hour).ToList();
    }

    /// <summary>ORs the hour's set into its day's and records <paramref name="requests"/> (read before) with it, in one transaction.</summary>
    private async Task FoldHourAsync(DateTime hour, long requests, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        // Read committed: the hour's set is read without locking it against a late batch's upsert.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
        await using var cmd = new MySqlCommand("""
            INSERT INTO day_site_clients (day_utc, client_hash, hours)
            SELECT DATE(hour_utc), client_hash, 1 << HOUR(hour_utc) FROM hourly_site_clients WHERE hour_utc = @hour
            ON DUPLICATE KEY UPDATE hours = hours | VALUES(hours);
            INSERT INTO day_site_clients_hour (hour_utc, requests) VALUES (@hour, @requests)
            ON DUPLICATE KEY UPDATE requests = VALUES(requests);
            """, connection, transaction);
        cmd.Parameters.AddWithValue("@hour", hour);
        cmd.Parameters.AddWithValue("@requests", requests);
        await cmd.ExecuteNonQueryAsync(ct);
        await transaction.CommitAsync(ct);
        logger.LogInformation("Folded the site's clients of hour {Hour:o} ({Requests} requests) into its day set", hour, requests);
    }
}
