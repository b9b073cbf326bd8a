using System.Data;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MySql.Data.MySqlClient;
using NginxPulse.Functions.Storage;

namespace NginxPulse.Functions.Reports.Slices;

/// <summary>
/// A report slice: hours (60), 5 minutes (5) or one minute (1) from <see cref="StartUtc"/>, or a latency block of
/// whole hours (<see cref="LatencyBlockBuilder.Spans"/>).
/// </summary>
public readonly record struct SliceId(int SpanMinutes, DateTime StartUtc)
{
    public const int Hour = 60;
    public const int FiveMinutes = 5;
    public const int Minute = 1;

    public DateTime EndUtc => StartUtc.AddMinutes(SpanMinutes);

    /// <summary>The start of the <paramref name="spanMinutes"/> slice holding <paramref name="time"/> (spans divide the day).</summary>
    public static DateTime Floor(DateTime time, int spanMinutes) =>
        new(time.Ticks - time.Ticks % (spanMinutes * TimeSpan.TicksPerMinute), DateTimeKind.Utc);
}

/// <summary>What one builder run did: the slices built and their rows, and the latency blocks built.</summary>
public sealed record SliceBuildOutcome(bool Ran, IReadOnlyList<SliceId> Built, long Rows, IReadOnlyList<SliceId> Blocks);

/// <summary>
/// Builds report slices from raw rows, oldest first and at most <see cref="ReportSlicesOptions.MaxSlicesPerRun"/> per
/// run, under a MySQL named lock (a second builder skips). A slice is (re)built when its minute rollups count requests
/// and it has no slice yet or one whose counted total differs (rows arrived after it was built). Every slice keeps every
/// <see cref="SliceScope"/> (the whole site, each vhost, each host, each vhost on each host), all summed from the rows of
/// one snapshot, so the one count recorded per slice governs all its scopes (5-minute and minute slices keep
/// <see cref="ReportSlicesOptions.ScopeTopValues"/> values per vhost/host scope); 5-minute and minute slices are not
/// built for hours MaintainStorage compacted (their minutes are gone, so they could never be checked). Minute slices
/// answer for the minutes a range cuts out of a 5 minutes at either end (such as "the last 24 hours"), which would
/// otherwise be read from raw rows; they are built and kept for the last
/// <see cref="ReportSlicesOptions.MinuteSliceDays"/> only, after the hours and 5 minutes due, so a back-log (after an
/// upgrade) builds the wide slices first. Each run then builds the latency blocks due from the hour slices
/// (<see cref="LatencyBlockBuilder"/>) and folds the complete hours' client sets (site and scopes) into day sets
/// (<see cref="DayClientsFolder"/>).
/// </summary>
public sealed class ReportSliceBuilder
{
    private const string LockPurpose = "report-slices";
    private const int PurgeRowsPerRun = 100_000;
    private const int ClientsPerStatement = 5000;

    private static readonly MultiRowInsert<(DateTime Minute, ulong Client)> MinuteSiteClientsInsert = new("minute_site_clients",
        [("minute_utc", r => r.Minute), ("client_hash", r => r.Client)], "");

    private static readonly MultiRowInsert<(DateTime Minute, string Vhost, string Host, ulong Client)> MinuteClientsInsert = new("minute_clients",
        [("minute_utc", r => r.Minute), ("vhost", r => r.Vhost), ("host", r => r.Host), ("client_hash", r => r.Client)], "");

    private readonly MySqlConnectionFactory _connections;
    private readonly ReportSlicesOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<ReportSliceBuilder> _logger;
    private readonly DayClientsFolder _daySets;
    private readonly LatencyBlockBuilder _blocks;

    public ReportSliceBuilder(MySqlConnectionFactory connections, IOptions<ReportSlicesOptions> options, TimeProvider clock, ILogger<ReportSliceBuilder> logger)
    {
        _connections = connections;
        _options = options.Value;
        _clock = clock;
        _logger = logger;
        _daySets = new DayClientsFolder(connections, _options, logger);
        _blocks = new LatencyBlockBuilder(connections, _options, clock, logger);
    }

    public async Task<SliceBuildOutcome> RunAsync(CancellationToken ct)
    {
        await using var lockConnection = await _connections.OpenAsync(ct);
        var builderLock = await MySqlNamedLock.TryAcquireAsync(lockConnection, LockPurpose, TimeSpan.Zero, ct);
        if (builderLock is null)
        {
            _logger.LogInformation("Another replica is building report slices; skipping this run");
            return new SliceBuildOutcome(false, [], 0, []);
        }
        await using (builderLock)
        {
            var due = await DueSlicesAsync(ct);
            long rows = 0;
            foreach (var slice in due) rows += await BuildAsync(slice, ct);
            var blocks = await _blocks.BuildDueAsync(ct);
            await PurgeMinutesAsync(ct);
            await _daySets.FoldAsync(_clock.GetUtcNow().UtcDateTime, ct);
            return new SliceBuildOutcome(true, due, rows + blocks.Rows, blocks.Built);
        }
    }

    /// <summary>The slices to (re)build now, oldest first: complete, within the stored raw rows, stale or missing.</summary>
    public async Task<IReadOnlyList<SliceId>> DueSlicesAsync(CancellationToken ct)
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        await using var connection = await _connections.OpenAsync(ct);
        // Raw partitions are dropped by whole days: from the oldest stored row's day on, every hour is complete.
        if (await OldestRawAsync(connection, ct) is not { } oldest) return [];
        var slices = new List<SliceId>();
        await using var cmd = new MySqlCommand($"""
            SELECT c.span, c.slice_utc FROM (
              SELECT {SliceId.Hour} AS span, h.hour_utc AS slice_utc, h.requests AS total FROM ({SiteHourRequests.Select("@oldest", "@hour_cutoff")}) h
              UNION ALL
              SELECT {SliceId.FiveMinutes}, m.minute_utc - INTERVAL MINUTE(m.minute_utc) % 5 MINUTE AS five, SUM(m.requests)
              FROM rollup_site_minute m
              WHERE m.minute_utc >= @oldest AND m.minute_utc < @five_cutoff
                AND NOT EXISTS (SELECT 1 FROM rollup_hour h WHERE h.hour_utc = m.minute_utc - INTERVAL MINUTE(m.minute_utc) MINUTE)
              GROUP BY five
              UNION ALL
              SELECT {SliceId.Minute}, m.minute_utc, m.requests FROM rollup_site_minute m
              WHERE m.minute_utc >= GREATEST(@oldest, @minutes_from) AND m.minute_utc < @minute_cutoff
                AND NOT EXISTS (SELECT 1 FROM rollup_hour h WHERE h.hour_utc = m.minute_utc - INTERVAL MINUTE(m.minute_utc) MINUTE)
            ) c LEFT JOIN report_slice s ON s.span_minutes = c.span AND s.slice_utc = c.slice_utc
            WHERE c.total > 0 AND (s.requests IS NULL OR s.requests <> c.total)
            ORDER BY c.span = {SliceId.Minute}, c.slice_utc, c.span DESC
            LIMIT {_options.MaxSlicesPerRun.ToString(CultureInfo.InvariantCulture)}
            """, connection);
        cmd.Parameters.AddWithValue("@oldest", oldest.Date);
        cmd.Parameters.AddWithValue("@hour_cutoff", RollupDelta.HourOf(now));
        cmd.Parameters.AddWithValue("@five_cutoff", new DateTime(now.Ticks - now.Ticks % (5 * TimeSpan.TicksPerMinute), DateTimeKind.Utc));
        cmd.Parameters.AddWithValue("@minute_cutoff", new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerMinute, DateTimeKind.Utc));
        cmd.Parameters.AddWithValue("@minutes_from", MinutesFrom(now));
        await RowStream.ReadAsync(cmd, reader => slices.Add(new SliceId(Convert.ToInt32(reader.GetValue(0)), DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc))), ct);
        return slices;
    }

    /// <summary>The oldest stored raw row's time; null when none is stored.</summary>
    internal static async Task<DateTime?> OldestRawAsync(MySqlConnection connection, CancellationToken ct)
    {
        await using var cmd = new MySqlCommand("SELECT MIN(time_utc) FROM access_log", connection);
        return await cmd.ScalarAsync(ct) is DateTime oldest ? oldest : null;
    }

    /// <summary>The oldest minute that has minute slices: <see cref="ReportSlicesOptions.MinuteSliceDays"/> back from now.</summary>
    private DateTime MinutesFrom(DateTime now)
    {
        var from = now.AddDays(-_options.MinuteSliceDays);
        return new DateTime(from.Ticks - from.Ticks % TimeSpan.TicksPerMinute, DateTimeKind.Utc);
    }

    /// <summary>
    /// Deletes the minute slices and client sets before <see cref="MinutesFrom"/> (and before the oldest stored raw
    /// row's day, whose rows MaintainStorage dropped): first the slices' counts, so readers stop using them at once,
    /// then a bounded number of their rows per table and run.
    /// </summary>
    private async Task PurgeMinutesAsync(CancellationToken ct)
    {
        await using var connection = await _connections.OpenAsync(ct);
        var minutesFrom = MinutesFrom(_clock.GetUtcNow().UtcDateTime);
        var before = await OldestRawAsync(connection, ct) is { } oldest && oldest.Date > minutesFrom ? oldest.Date : minutesFrom;
        async Task<long> DeleteAsync(string sql, params (string Name, object Value)[] values)
        {
            await using var cmd = new MySqlCommand(sql, connection);
            cmd.Parameters.AddWithValue("@before", before);
            foreach (var (name, value) in values) cmd.Parameters.AddWithValue(name, value);
            return await cmd.RunAsync(ct);
        }
        var deleted = await DeleteAsync($"DELETE FROM report_slice WHERE span_minutes = {SliceId.Minute} AND slice_utc < @before");
        // One scope (scope, vhost, host) at a time, every dimension: a range of the primary key each, where a DELETE by
        // time alone would scan every minute row (or, through the time index, every hour's and 5 minutes' row).
        long sliceRows = 0;
        foreach (var (scope, vhost, host) in await MinuteScopesAsync(connection, ct))
        {
            if (sliceRows >= PurgeRowsPerRun) break;
            sliceRows += await DeleteAsync($"""
                DELETE FROM report_slice_value WHERE dimension IN ({string.Join(", ", SliceDimension.All.Select(d => d.Id))}) AND span_minutes = {SliceId.Minute}
                  AND scope = @scope AND vhost = @vhost AND host = @host AND slice_utc < @before LIMIT {(PurgeRowsPerRun - sliceRows).ToString(CultureInfo.InvariantCulture)}
                """, ("@scope", scope), ("@vhost", vhost), ("@host", host));
        }
        deleted += sliceRows + await DeleteAsync($"DELETE FROM minute_site_clients WHERE minute_utc < @before LIMIT {PurgeRowsPerRun}")
            + await DeleteAsync($"DELETE FROM minute_clients WHERE minute_utc < @before LIMIT {PurgeRowsPerRun}");
        if (deleted > 0) _logger.LogInformation("Purged {Rows} minute slice and client set rows before {Before:o}", deleted, before);
    }

    /// <summary>
    /// The scopes minute slices hold rows for, from their status rows: every scope with traffic has some.
    /// </summary>
    private static Task<List<StoredScope>> MinuteScopesAsync(MySqlConnection connection, CancellationToken ct) =>
        SliceScopeList.ReadAsync(async (sql, values, onRow) =>
        {
            await using var cmd = new MySqlCommand(sql, connection);
            foreach (var (name, value) in values) cmd.Parameters.AddWithValue(name, value);
            await RowStream.ReadAsync(cmd, onRow, ct);
        }, SliceDimension.Statuses, SliceId.Minute);

    /// <summary>
    /// Aggregates the slice's raw rows in one consistent snapshot and replaces its stored rows with the result and the
    /// number of rows counted (readers compare it with the rollups). Returns the rows written.
    /// </summary>
    public async Task<long> BuildAsync(SliceId slice, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var dimensions = new Dictionary<SliceDimension, Dictionary<SliceKey, SliceValue>>();
        await using (var snapshot = await ConsistentSnapshot.BeginAsync(_connections, (int)MySqlConnectionFactory.DefaultCommandTimeoutSeconds, ct))
        {
            KeyValuePair<string, object>[] range = [new("@from", slice.StartUtc), new("@to", slice.EndUtc)];
            foreach (var dimension in SliceDimension.All)
            {
                var values = dimensions[dimension] = [];
                await snapshot.ReadAsync(dimension.SelectRaw("time_utc >= @from AND time_utc < @to"), range, row =>
                {
                    var value = row.IsDBNull(2) ? null : Convert.ToString(row.GetValue(2), CultureInfo.InvariantCulture);
                    var key = new SliceKey(row.GetString(0), row.GetString(1), value);
                    if (!values.TryGetValue(key, out var sums)) values[key] = sums = new SliceValue();
                    sums.Add(row.IsDBNull(3) ? null : Convert.ToInt32(row.GetValue(3)), Convert.ToInt64(row.GetValue(4)), Convert.ToInt64(row.GetValue(5)),
                        Convert.ToInt64(row.GetValue(6)), Convert.ToInt64(row.GetValue(7)), Convert.ToInt64(row.GetValue(8)),
                        row.IsDBNull(9) ? null : Convert.ToInt64(row.GetValue(9)));
                }, ct);
            }
        }
        // Every row has a status: the statuses dimension counts every row of the slice once.
        var total = dimensions[SliceDimension.Statuses].Values.Sum(v => v.Requests);
        // A minute also keeps its whole sets of clients (uncapped), the site's and per vhost and host: the visitors of
        // the minutes at a range's edges, filtered or not.
        var clients = slice.SpanMinutes == SliceId.Minute ? MinuteClientSets.Of(slice.StartUtc, dimensions[SliceDimension.Clients].Keys) : MinuteClientSets.None;
        var rows = new List<SliceRow>();
        foreach (var (dimension, values) in dimensions)
            foreach (var scope in SliceScope.All)
                foreach (var kept in Sum(values, scope).GroupBy(v => (v.Key.Vhost, v.Key.Host)))
                    AddRows(rows, dimension, slice, scope, kept.ToList(), slice.SpanMinutes == SliceId.Hour || scope == SliceScope.Site ? _options.TopValues : _options.ScopeTopValues);
        await WriteAsync(slice, total, rows, clients, ct);
        _logger.LogInformation("Built report slice {Span} min from {Start:o}: {Requests} requests, {Rows} rows, {Ms} ms",
            slice.SpanMinutes, slice.StartUtc, total, rows.Count, watch.ElapsedMilliseconds);
        return rows.Count;
    }

    /// <summary>The values per vhost and host summed into the scope's keys (its vhost and host, '' for what it leaves out).</summary>
    private static Dictionary<SliceKey, SliceValue> Sum(Dictionary<SliceKey, SliceValue> values, SliceScope scope)
    {
        if (scope == SliceScope.VhostAndHost) return values;
        var sums = new Dictionary<SliceKey, SliceValue>();
        foreach (var (key, value) in values)
        {
            var scoped = scope.KeyOf(key);
            if (!sums.TryGetValue(scoped, out var sum)) sums[scoped] = sum = new SliceValue();
            sum.Add(value);
        }
        return sums;
    }

    private static void AddRows(List<SliceRow> rows, SliceDimension dimension, SliceId slice, SliceScope scope, IReadOnlyCollection<KeyValuePair<SliceKey, SliceValue>> values, int topValues)
    {
        // Status codes are few (three digits): never capped, so the statuses report is always exact.
        var top = SliceTopValues.Of(values, dimension == SliceDimension.Statuses ? int.MaxValue : topValues, dimension.HasLatency);
        var rowNo = 0;
        foreach (var (key, value, ranks) in top.Kept)
            rows.Add(new SliceRow(dimension.Id, slice, scope, key, ++rowNo, ranks, value, 0, 0));
        if (top.Rest is { } rest)
        {
            rows.Add(new SliceRow(dimension.Id, slice, scope, values.First().Key with { Value = null }, 0, 0, rest, top.DroppedMaxRequests, top.DroppedMaxErrors));
        }
    }

    private async Task WriteAsync(SliceId slice, long total, List<SliceRow> rows, MinuteClientSets clients, CancellationToken ct)
    {
        await using var connection = await _connections.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
        await SliceRowWriter.ReplaceAsync(connection, transaction, slice, total, _clock.GetUtcNow().UtcDateTime, rows, ct);
        if (slice.SpanMinutes == SliceId.Minute)
        {
            await using var delete = new MySqlCommand(
                "DELETE FROM minute_site_clients WHERE minute_utc = @slice; DELETE FROM minute_clients WHERE minute_utc = @slice", connection, transaction);
            delete.Parameters.AddWithValue("@slice", slice.StartUtc);
            await delete.RunAsync(ct);
        }
        for (var start = 0; start < clients.Site.Count; start += ClientsPerStatement)
        {
            var batch = new StatementBatch(connection, transaction);
            MinuteSiteClientsInsert.AppendTo(batch, clients.Site, start, Math.Min(ClientsPerStatement, clients.Site.Count - start));
            await batch.ExecuteAsync(ct);
        }
        for (var start = 0; start < clients.PerVhostAndHost.Count; start += ClientsPerStatement)
        {
            var batch = new StatementBatch(connection, transaction);
            MinuteClientsInsert.AppendTo(batch, clients.PerVhostAndHost, start, Math.Min(ClientsPerStatement, clients.PerVhostAndHost.Count - start));
            await batch.ExecuteAsync(ct);
        }
        await transaction.CommitAsync(ct);
    }

    /// <summary>A minute's distinct clients as <see cref="ClientHash"/> keys: the whole site's, and per vhost and host.</summary>
    private sealed record MinuteClientSets(List<(DateTime Minute, ulong Client)> Site, List<(DateTime Minute, string Vhost, string Host, ulong Client)> PerVhostAndHost)
    {
        public static MinuteClientSets None { get; } = new([], []);

        public static MinuteClientSets Of(DateTime minute, IEnumerable<SliceKey> clients)
        {
            var keyed = clients.Where(k => k.Value is not null).Select(k => (k.Vhost, k.Host, Client: ClientHash.Of(k.Value!))).ToList();
            return new([.. keyed.Select(k => k.Client).Distinct().Select(c => (minute, c))],
                [.. keyed.Distinct().Select(k => (minute, k.Vhost, k.Host, k.Client))]);
        }
    }
}
