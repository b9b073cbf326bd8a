using System.Data;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using MySql.Data.MySqlClient;
using NginxPulse.Functions.Storage;

namespace NginxPulse.Functions.Reports.Slices;

/// <summary>
/// Folds the hourly client sets into day sets — a client per day with a bit per hour it was seen in — so a summary
/// reads a day's whole hours from one row per client instead of one per client and hour: the whole site's
/// (hourly_site_clients into day_site_clients, with its 5-minute sets as <see cref="DayFiveMinutes"/>) and each of the
/// report slices' scopes' (hourly_clients into day_clients: each vhost on each host, each vhost over its hosts, each
/// host over its vhosts). Each complete hour from the oldest
/// stored raw row's day on is folded when its rollup requests differ from those recorded with its last fold
/// (day_site_clients_hour) or it has none, at most <see cref="ReportSlicesOptions.MaxSlicesPerRun"/> hours per run,
/// oldest first. The requests are read before the hour's sets: rows stored in between make the fold a superset of what
/// the record says, so a reader (which uses a folded hour only while the record equals the hour's rollup requests in
/// its snapshot) reads that hour from its hourly sets until the next run refolds it. One record governs every scope:
/// all scopes of an hour are folded in one transaction, and a row of any scope is a row of the site, so an hour whose
/// site requests are unchanged has unchanged sets in every scope. Sets only grow (raw rows are only inserted), so
/// folding is an OR.
/// </summary>
/// <remarks>
/// The current hour, not yet complete, is folded 5 minutes at a time into the site's 5-minute bits: each complete 5
/// minutes of it whose rollup requests differ from those recorded with its last fold (day_site_clients_five) or has none,
/// by the same rule (requests read first, used only while equal), so "the last 24 hours" ending now reads its last hour's
/// whole 5 minutes from the day rows. When the hour completes, its hour fold covers them.
/// </remarks>
public sealed class DayClientsFolder(MySqlConnectionFactory connections, ReportSlicesOptions options, ILogger logger)
{
    private const string Fold = "ON DUPLICATE KEY UPDATE hours = hours | VALUES(hours)";

    public async Task<DayFolds> FoldAsync(DateTime now, CancellationToken ct)
    {
        var hour = RollupDelta.HourOf(now);
        var dueHours = await DueAsync($"""
            SELECT h.hour_utc, h.requests FROM ({SiteHourRequests.Select("@oldest", "@hour_cutoff")}) h
            LEFT JOIN day_site_clients_hour f ON f.hour_utc = h.hour_utc
            WHERE h.requests > 0 AND (f.requests IS NULL OR f.requests <> h.requests)
            ORDER BY h.hour_utc
            LIMIT {options.MaxSlicesPerRun.ToString(CultureInfo.InvariantCulture)}
            """, hour, ct);
        foreach (var (start, requests) in dueHours) await FoldHourAsync(start, requests, ct);
        var dueFives = await DueAsync($"""
            SELECT v.five_utc, v.requests FROM (
              SELECT minute_utc - INTERVAL MINUTE(minute_utc) % 5 MINUTE AS five_utc, SUM(requests) AS requests FROM {SiteMinuteTable.Name}
              WHERE minute_utc >= GREATEST(@oldest, @hour_cutoff) AND minute_utc < @five_cutoff GROUP BY five_utc
            ) v LEFT JOIN day_site_clients_five f ON f.five_utc = v.five_utc
            WHERE v.requests > 0 AND (f.requests IS NULL OR f.requests <> v.requests)
            ORDER BY v.five_utc
            """, hour, ct, ("@five_cutoff", VisitorWriter.FiveMinutesOf(now)));
        foreach (var (start, requests) in dueFives) await FoldFiveMinutesAsync(start, requests, ct);
        return new DayFolds([.. dueHours.Select(d => d.Start)], [.. dueFives.Select(d => d.Start)]);
    }

    /// <summary>(start, rollup requests) of what <paramref name="sql"/> finds due, from the oldest stored raw row's day on.</summary>
    private async Task<List<(DateTime Start, long Requests)>> DueAsync(string sql, DateTime hourCutoff, CancellationToken ct, params (string Name, DateTime Value)[] values)
    {
        var due = new List<(DateTime Start, long Requests)>();
        await using var connection = await connections.OpenAsync(ct);
        if (await ReportSliceBuilder.OldestRawAsync(connection, ct) is not { } oldest) return due;
        await using var cmd = new MySqlCommand(sql, connection);
        cmd.Parameters.AddWithValue("@oldest", oldest.Date);
        cmd.Parameters.AddWithValue("@hour_cutoff", hourCutoff);
        foreach (var (name, value) in values) cmd.Parameters.AddWithValue(name, value);
        await RowStream.ReadAsync(cmd, row => due.Add((DateTime.SpecifyKind(row.GetDateTime(0), DateTimeKind.Utc), Convert.ToInt64(row.GetValue(1)))), ct);
        return due;
    }

    /// <summary>ORs the 5 minutes' site set into its day's 5-minute bits and records <paramref name="requests"/> (read before), in one transaction.</summary>
    private async Task FoldFiveMinutesAsync(DateTime five, long requests, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
        var column = DayFiveMinutes.Column(five);
        await using var cmd = new MySqlCommand($"""
            INSERT INTO day_site_clients (day_utc, client_hash, hours, {column})
            SELECT DATE(@five), client_hash, 0, @bit FROM five_minute_site_clients WHERE minute_utc = @five
            ON DUPLICATE KEY UPDATE {column} = {column} | VALUES({column});
            INSERT INTO day_site_clients_five (five_utc, requests) VALUES (@five, @requests) ON DUPLICATE KEY UPDATE requests = VALUES(requests);
            """, connection, transaction);
        cmd.Parameters.AddWithValue("@five", five);
        cmd.Parameters.AddWithValue("@bit", DayFiveMinutes.Bit(five));
        cmd.Parameters.AddWithValue("@requests", requests);
        await cmd.RunAsync(ct);
        await transaction.CommitAsync(ct);
        logger.LogInformation("Folded the site's client set of the 5 minutes {FiveMinutes:o} ({Requests} requests) into its day set", five, requests);
    }

    /// <summary>ORs the hour's sets into their days' and records <paramref name="requests"/> (read before) with them, in one transaction.</summary>
    private async Task FoldHourAsync(DateTime hour, long requests, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        // Read committed: the hour's sets are read without locking them against a late batch's upsert.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
        var pairs = new List<(string Vhost, string Host)>();
        await using (var read = new MySqlCommand("SELECT DISTINCT vhost, host FROM hourly_clients WHERE hour_utc = @hour", connection, transaction))
        {
            read.Parameters.AddWithValue("@hour", hour);
            await RowStream.ReadAsync(read, row => pairs.Add((row.GetString(0), row.GetString(1))), ct);
        }
        var (sql, values) = FoldStatements(pairs);
        await using var cmd = new MySqlCommand(sql, connection, transaction);
        cmd.Parameters.AddWithValue("@hour", hour);
        cmd.Parameters.AddWithValue("@requests", requests);
        foreach (var (name, value) in values) cmd.Parameters.AddWithValue(name, value);
        await cmd.RunAsync(ct);
        await transaction.CommitAsync(ct);
        logger.LogInformation("Folded the client sets of hour {Hour:o} ({Requests} requests, {Pairs} vhost/host pairs) into their day sets",
            hour, requests, pairs.Count);
    }

    /// <summary>
    /// The hour's folds and its record. A vhost's (a host's) clients are gathered one vhost (host) at a time: the
    /// DISTINCT of one BIGINT stays in memory, where one over (vhost, client) spills its wide rows to disk (seconds).
    /// </summary>
    private static (string Sql, List<(string Name, string Value)> Values) FoldStatements(IReadOnlyList<(string Vhost, string Host)> pairs)
    {
        var values = new List<(string Name, string Value)>();
        var sql = new StringBuilder($"""
            INSERT INTO day_site_clients (day_utc, client_hash, hours)
            SELECT DATE(hour_utc), client_hash, 1 << HOUR(hour_utc) FROM hourly_site_clients WHERE hour_utc = @hour
            {Fold};
            INSERT INTO day_site_clients (day_utc, client_hash, hours, {string.Join(", ", DayFiveMinutes.Names)})
            SELECT DATE(@hour), client_hash, 0, {string.Join(", ", DayFiveMinutes.Place("@hour", "BIT_OR(1 << (MINUTE(minute_utc) DIV 5))"))}
            FROM five_minute_site_clients WHERE minute_utc >= @hour AND minute_utc < @hour + INTERVAL 1 HOUR GROUP BY client_hash
            ON DUPLICATE KEY UPDATE {string.Join(", ", DayFiveMinutes.Names.Select(f => $"{f} = {f} | VALUES({f})"))};
            INSERT INTO day_clients (scope, vhost, host, day_utc, client_hash, hours)
            SELECT {SliceScope.VhostAndHost.Id}, vhost, host, DATE(hour_utc), client_hash, 1 << HOUR(hour_utc) FROM hourly_clients WHERE hour_utc = @hour
            {Fold};

            """);
        foreach (var (scope, column, ofScope) in new[] { (SliceScope.Vhost, "vhost", pairs.Select(p => p.Vhost)), (SliceScope.Host, "host", pairs.Select(p => p.Host)) })
            foreach (var value in ofScope.Distinct(StringComparer.Ordinal))
            {
                var name = $"@{column}_{values.Count.ToString(CultureInfo.InvariantCulture)}";
                values.Add((name, value));
                sql.Append($"""
                    INSERT INTO day_clients (scope, vhost, host, day_utc, client_hash, hours)
                    SELECT DISTINCT {scope.Id}, {(scope.ByVhost ? name : "''")}, {(scope.ByHost ? name : "''")}, DATE(@hour), client_hash, 1 << HOUR(@hour)
                    FROM hourly_clients WHERE hour_utc = @hour AND {column} = {name}
                    {Fold};

                    """);
            }
        sql.Append("INSERT INTO day_site_clients_hour (hour_utc, requests) VALUES (@hour, @requests) ON DUPLICATE KEY UPDATE requests = VALUES(requests);");
        return (sql.ToString(), values);
    }
}

/// <summary>What one fold did: the hours folded, and the 5 minutes of the current hour folded.</summary>
public sealed record DayFolds(IReadOnlyList<DateTime> Hours, IReadOnlyList<DateTime> FiveMinutes);
