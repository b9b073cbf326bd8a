using System.Data;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using MySql.Data.MySqlClient;
using NginxPulse.Functions.Storage;

namespace NginxPulse.Functions.Reports.Slices;

/// <summary>
/// Folds the client sets into day sets — a client per day with a bit per hour and a bit per 5 minutes it was seen in
/// (<see cref="DayFiveMinutes"/>) — so a summary reads a day's whole hours, and the whole 5 minutes of the hours a range
/// cuts, from one row per client instead of one per client and hour or 5 minutes: the whole site's
/// (five_minute_site_clients into day_site_clients) and each of the report slices' scopes' (five_minute_clients into
/// day_clients: each vhost on each host, each vhost over its hosts, each host over its vhosts). Each complete hour from
/// the oldest stored raw row's day on is folded when its rollup requests differ from those recorded with its last fold
/// (day_site_clients_hour) or it has none, at most <see cref="ReportSlicesOptions.MaxSlicesPerRun"/> hours per run,
/// oldest first. The requests are read before the hour's sets: rows stored in between make the fold a superset of what
/// the record says, so a reader (which uses a folded hour only while the record equals the hour's rollup requests in
/// its snapshot) reads that hour from its hourly and 5-minute sets until the next run refolds it. One record governs
/// every scope: all scopes of an hour are folded in one transaction, and a row of any scope is a row of the site, so an
/// hour whose site requests are unchanged has unchanged sets in every scope. Sets only grow (raw rows are only
/// inserted), so folding is an OR.
/// </summary>
/// <remarks>
/// The current hour, not yet complete, is folded 5 minutes at a time into the 5-minute bits (site and scopes): each
/// complete 5 minutes of it whose rollup requests differ from those recorded with its last fold (day_site_clients_five)
/// or has none, by the same rule (requests read first, used only while equal), so "the last 24 hours" ending now reads
/// its last hour's whole 5 minutes from the day rows. When the hour completes, its hour fold covers them.
/// </remarks>
public sealed class DayClientsFolder(MySqlConnectionFactory connections, ReportSlicesOptions options, ILogger logger)
{
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

    /// <summary>ORs the hour's sets into their days' and records <paramref name="requests"/> (read before) with them, in one transaction.</summary>
    private Task FoldHourAsync(DateTime hour, long requests, CancellationToken ct) =>
        FoldAndRecordAsync(new SliceId(SliceId.Hour, hour), requests,
            (pairs, values) => Folds(hour, [.. Enumerable.Range(0, 12).Select(i => hour.AddMinutes(5 * i))], "1 << HOUR(@start)", pairs, values), ct);

    /// <summary>ORs the 5 minutes' sets into their day's 5-minute bits and records <paramref name="requests"/> (read before), in one transaction.</summary>
    private Task FoldFiveMinutesAsync(DateTime five, long requests, CancellationToken ct) =>
        FoldAndRecordAsync(new SliceId(SliceId.FiveMinutes, five), requests, (pairs, values) => Folds(five, [five], "0", pairs, values), ct);

    /// <summary>
    /// Runs the statements <paramref name="folds"/> writes for the vhost/host pairs of <paramref name="span"/>'s sets and
    /// records <paramref name="requests"/> for it (day_site_clients_hour, day_site_clients_five), in one transaction:
    /// the day sets and their record commit together.
    /// </summary>
    private async Task FoldAndRecordAsync(SliceId span, long requests, Func<IReadOnlyList<(string Vhost, string Host)>, ScopeValues, string> folds, CancellationToken ct)
    {
        var (pairsSql, record) = span.SpanMinutes == SliceId.Hour
            ? ("SELECT DISTINCT vhost, host FROM hourly_clients WHERE hour_utc = @start", "day_site_clients_hour")
            : ("SELECT DISTINCT vhost, host FROM five_minute_clients WHERE minute_utc = @start", "day_site_clients_five");
        await using var connection = await connections.OpenAsync(ct);
        // Read committed: the sets are read without locking them against a late batch's upsert.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
        var pairs = new List<(string Vhost, string Host)>();
        await using (var read = new MySqlCommand(pairsSql, connection, transaction))
        {
            read.Parameters.AddWithValue("@start", span.StartUtc);
            await RowStream.ReadAsync(read, row => pairs.Add((row.GetString(0), row.GetString(1))), ct);
        }
        var values = new ScopeValues(pairs);
        await using var cmd = new MySqlCommand(folds(pairs, values) + $"INSERT INTO {record} VALUES (@start, @requests) ON DUPLICATE KEY UPDATE requests = VALUES(requests);",
            connection, transaction);
        cmd.Parameters.AddWithValue("@start", span.StartUtc);
        cmd.Parameters.AddWithValue("@day", span.StartUtc.Date);
        cmd.Parameters.AddWithValue("@requests", requests);
        foreach (var (name, value) in values.All) cmd.Parameters.AddWithValue(name, value);
        await cmd.RunAsync(ct);
        await transaction.CommitAsync(ct);
        logger.LogInformation("Folded the client sets of {Start:o} ({Minutes} minutes, {Requests} requests, {Pairs} vhost/host pairs) into their day sets",
            span.StartUtc, span.SpanMinutes, requests, pairs.Count);
    }

    /// <summary>
    /// The 5-minute bits of <paramref name="fives"/> (all in the hour of <paramref name="hour"/>) and <paramref name="hourBit"/>
    /// (the hour's bit when the whole hour is folded), the site's and every scope's, from the 5-minute sets (an hour's set
    /// is the union of its 5 minutes': the store writes both from the same rows, in the same transaction), one upsert per
    /// client and scope. Every statement reads its scope's rows through the sets' primary key (minute, vhost, host,
    /// client): the 5 minutes listed, and for a host every vhost of the pairs. A vhost's (a host's, a pair's) clients are
    /// grouped one vhost (host, pair) at a time: a GROUP BY of one BIGINT stays in memory, where one over (vhost, client)
    /// spills its wide rows to disk (seconds).
    /// </summary>
    private static string Folds(DateTime hour, IReadOnlyList<DateTime> fives, string hourBit, IReadOnlyList<(string Vhost, string Host)> pairs, ScopeValues values)
    {
        var column = DayFiveMinutes.Column(hour);
        var bits = $"BIT_OR(1 << (MINUTE(minute_utc) DIV 5)) << {(hour.Hour % 5 * 12).ToString(CultureInfo.InvariantCulture)}";
        var update = $"ON DUPLICATE KEY UPDATE hours = hours | VALUES(hours), {column} = {column} | VALUES({column})";
        var list = string.Join(", ", fives.Select(five => $"'{five:yyyy-MM-dd HH:mm:ss}'"));
        var sql = new StringBuilder($"""
            INSERT INTO day_site_clients (day_utc, client_hash, hours, {column})
            SELECT @day, client_hash, {hourBit}, {bits} FROM five_minute_site_clients WHERE minute_utc IN ({list}) GROUP BY client_hash
            {update};

            """);
        var vhosts = string.Join(", ", values.Singles.Where(s => s.Scope.ByVhost).Select(s => s.Name));
        IEnumerable<(SliceScope Scope, string Vhost, string Host)> scopes =
        [
            .. pairs.Select(p => (SliceScope.VhostAndHost, values.NameOf(SliceScope.Vhost, p.Vhost), values.NameOf(SliceScope.Host, p.Host))),
            .. values.Singles.Select(s => (s.Scope, s.Scope.ByVhost ? s.Name : "''", s.Scope.ByHost ? s.Name : "''")),
        ];
        foreach (var (scope, vhost, host) in scopes)
            sql.Append($"""
                INSERT INTO day_clients (scope, vhost, host, day_utc, client_hash, hours, {column})
                SELECT {scope.Id}, {vhost}, {host}, @day, client_hash, {hourBit}, {bits} FROM five_minute_clients
                WHERE minute_utc IN ({list}) AND vhost {(scope.ByVhost ? $"= {vhost}" : $"IN ({vhosts})")}{(scope.ByHost ? $" AND host = {host}" : "")}
                GROUP BY client_hash
                {update};

                """);
        return sql.ToString();
    }

    /// <summary>The parameters naming each vhost and each host of the pairs folded (user text only travels as values).</summary>
    private sealed class ScopeValues
    {
        private readonly List<(SliceScope Scope, string Column, string Name, string Value)> _singles = [];

        public ScopeValues(IReadOnlyList<(string Vhost, string Host)> pairs)
        {
            foreach (var (scope, column, ofScope) in new[] { (SliceScope.Vhost, "vhost", pairs.Select(p => p.Vhost)), (SliceScope.Host, "host", pairs.Select(p => p.Host)) })
                foreach (var value in ofScope.Distinct(StringComparer.Ordinal))
                    _singles.Add((scope, column, $"@{column}_{_singles.Count.ToString(CultureInfo.InvariantCulture)}", value));
        }

        /// <summary>Each vhost (scope <see cref="SliceScope.Vhost"/>) and each host (<see cref="SliceScope.Host"/>): the column it filters and its parameter.</summary>
        public IEnumerable<(SliceScope Scope, string Column, string Name)> Singles => _singles.Select(s => (s.Scope, s.Column, s.Name));

        public IEnumerable<(string Name, string Value)> All => _singles.Select(s => (s.Name, s.Value));

        public string NameOf(SliceScope scope, string value) => _singles.First(s => s.Scope == scope && s.Value == value).Name;
    }
}

/// <summary>What one fold did: the hours folded, and the 5 minutes of the current hour folded.</summary>
public sealed record DayFolds(IReadOnlyList<DateTime> Hours, IReadOnlyList<DateTime> FiveMinutes);
