using System.Data;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using NginxPulse.Functions.Storage;

namespace NginxPulse.Functions.Reports.Slices;

/// <summary>
/// Latency blocks: slowest's rows of aligned runs of whole hours — 4 and 8 hours and the UTC day — stored as
/// slices of those spans, so slowest over a day reads one row per path instead of one per path and hour, and the p95
/// bounds of a row that covers most of a path's range are tight (<see cref="SlowestPathCandidates"/>): at 10M rows a
/// day, 801 path keys have some hour whose p95 reaches the 10th slowest's bucket, a few dozen over the whole day.
/// A block holds, per scope, the paths' latency-ranking rows of its hour slices merged per value (counts, sums,
/// maximum, histogram), and a rest row where an hour kept only its top values — exactly what reading its hours gives.
/// It is built only from hour slices that are all valid in the builder's snapshot, and records their count: a reader
/// uses it while that equals the rollups' requests of its hours, as for any slice.
/// </summary>
public sealed class LatencyBlockBuilder(MySqlConnectionFactory connections, ReportSlicesOptions options, TimeProvider clock, ILogger logger)
{
    /// <summary>The blocks' spans in minutes, narrowest first; each divides the next and the day.</summary>
    public static IReadOnlyList<int> Spans { get; } = [240, 480, 1440];

    /// <summary>Builds the blocks due now (<see cref="DueAsync"/>); returns those built and the rows written.</summary>
    public async Task<(IReadOnlyList<SliceId> Built, long Rows)> BuildDueAsync(CancellationToken ct)
    {
        var built = new List<SliceId>();
        long rows = 0;
        foreach (var block in await DueAsync(ct))
        {
            if (await BuildAsync(block, ct) is not { } written) continue;
            built.Add(block);
            rows += written;
        }
        return (built, rows);
    }

    /// <summary>
    /// The complete blocks with traffic, oldest first, that have no block or a stale one and whose hours all have valid
    /// hour slices (or no traffic); at most <see cref="ReportSlicesOptions.MaxSlicesPerRun"/>.
    /// </summary>
    public async Task<IReadOnlyList<SliceId>> DueAsync(CancellationToken ct)
    {
        var hourCutoff = RollupDelta.HourOf(clock.GetUtcNow().UtcDateTime);
        await using var connection = await connections.OpenAsync(ct);
        if (await ReportSliceBuilder.OldestRawAsync(connection, ct) is not { } oldest) return [];
        var hours = new Dictionary<DateTime, long>();
        var records = new Dictionary<SliceId, long>();
        await using var cmd = new MySql.Data.MySqlClient.MySqlCommand($"""
            SELECT 0, h.hour_utc, h.requests FROM ({SiteHourRequests.Select("@oldest", "@cutoff")}) h
            UNION ALL
            SELECT span_minutes, slice_utc, requests FROM report_slice
            WHERE span_minutes IN ({SliceId.Hour}, {string.Join(", ", Spans)}) AND slice_utc >= @oldest AND slice_utc < @cutoff
            """, connection);
        cmd.Parameters.AddWithValue("@oldest", oldest.Date);
        cmd.Parameters.AddWithValue("@cutoff", hourCutoff);
        await RowStream.ReadAsync(cmd, row =>
        {
            var span = Convert.ToInt32(row.GetValue(0));
            var time = DateTime.SpecifyKind(row.GetDateTime(1), DateTimeKind.Utc);
            if (span == 0) hours[time] = Convert.ToInt64(row.GetValue(2));
            else records[new SliceId(span, time)] = Convert.ToInt64(row.GetValue(2));
        }, ct);
        var due = new List<SliceId>();
        foreach (var span in Spans)
            foreach (var start in hours.Where(h => h.Value > 0).Select(h => SliceId.Floor(h.Key, span)).Distinct())
            {
                var block = new SliceId(span, start);
                if (block.EndUtc > hourCutoff) continue;
                var hoursOf = HoursOf(block).ToList();
                var total = hoursOf.Sum(h => hours.GetValueOrDefault(h));
                if (records.TryGetValue(block, out var counted) && counted == total) continue;
                if (hoursOf.All(h => records.GetValueOrDefault(new SliceId(SliceId.Hour, h)) == hours.GetValueOrDefault(h))) due.Add(block);
            }
        return due.OrderBy(b => b.StartUtc).ThenBy(b => b.SpanMinutes).Take(options.MaxSlicesPerRun).ToList();
    }

    /// <summary>
    /// Merges the block's hour slices read in one snapshot and replaces its stored rows; returns the rows written, or
    /// null (nothing written) when an hour with traffic has no valid slice in that snapshot.
    /// </summary>
    public async Task<long?> BuildAsync(SliceId block, CancellationToken ct)
    {
        if (!Spans.Contains(block.SpanMinutes) || SliceId.Floor(block.StartUtc, block.SpanMinutes) != block.StartUtc)
            throw new ArgumentOutOfRangeException(nameof(block), block, "not an aligned latency block");
        var watch = Stopwatch.StartNew();
        var merged = new Dictionary<(SliceScope Scope, SliceKey Key), SliceValue>();
        var rests = new Dictionary<(SliceScope Scope, SliceKey Key), (SliceValue Value, long MaxRequests, long MaxErrors)>();
        long requests;
        await using (var snapshot = await ConsistentSnapshot.BeginAsync(connections, (int)MySqlConnectionFactory.DefaultCommandTimeoutSeconds, ct))
        {
            KeyValuePair<string, object>[] range = [new("@from", block.StartUtc), new("@to", block.EndUtc)];
            var hours = new Dictionary<DateTime, long>();
            var counted = new Dictionary<DateTime, long>();
            await snapshot.ReadAsync($"""
                SELECT 0, h.hour_utc, h.requests FROM ({SiteHourRequests.Select("@from", "@to")}) h
                UNION ALL
                SELECT 1, slice_utc, requests FROM report_slice WHERE span_minutes = {SliceId.Hour} AND slice_utc >= @from AND slice_utc < @to
                """, range, row => (Convert.ToInt32(row.GetValue(0)) == 0 ? hours : counted)[row.GetDateTime(1)] = Convert.ToInt64(row.GetValue(2)), ct);
            if (HoursOf(block).Any(h => hours.GetValueOrDefault(h) != counted.GetValueOrDefault(h)))
            {
                logger.LogInformation("Latency block {Span} min from {Start:o} waits for its hour slices", block.SpanMinutes, block.StartUtc);
                return null;
            }
            requests = hours.Values.Sum();
            var scopes = await SliceScopeList.ReadAsync((sql, values, onRow) => snapshot.ReadAsync(sql, values, onRow, ct), SliceDimension.Paths, SliceId.Hour);
            if (scopes.Count > 0)
            {
                var parameters = new List<KeyValuePair<string, object>>(range);
                var ranges = scopes.Select((s, i) =>
                {
                    parameters.Add(new($"@vhost_{i}", s.Vhost));
                    parameters.Add(new($"@host_{i}", s.Host));
                    return $"(scope = {s.Scope.ToString(CultureInfo.InvariantCulture)} AND vhost = @vhost_{i} AND host = @host_{i} AND slice_utc >= @from AND slice_utc < @to)";
                });
                await snapshot.ReadAsync($"""
                    SELECT scope, vhost, host, row_no, value, requests, bytes, status_4xx, status_5xx, latency_count, latency_sum_ms, latency_max_ms,
                           histogram, dropped_max_requests, dropped_max_errors
                    FROM report_slice_value
                    WHERE dimension = {SliceDimension.Paths.Id} AND span_minutes = {SliceId.Hour} AND (row_no = 0 OR (ranks & {(int)SliceRanks.Latency}) <> 0)
                      AND ({string.Join(" OR ", ranges)})
                    """, parameters, row =>
                {
                    var scope = SliceScope.All.Single(s => s.Id == Convert.ToInt32(row.GetValue(0)));
                    var key = new SliceKey(row.GetString(1), row.GetString(2), row.IsDBNull(4) ? null : row.GetString(4));
                    SliceValue value;
                    if (Convert.ToInt32(row.GetValue(3)) == 0)
                    {
                        var rest = rests.TryGetValue((scope, key), out var r) ? r : (new SliceValue(), 0, 0);
                        rests[(scope, key)] = (rest.Value, rest.MaxRequests + Convert.ToInt64(row.GetValue(13)), rest.MaxErrors + Convert.ToInt64(row.GetValue(14)));
                        value = rest.Value;
                    }
                    else if (!merged.TryGetValue((scope, key), out value!)) merged[(scope, key)] = value = new SliceValue();
                    value.AddStored(Convert.ToInt64(row.GetValue(5)), Convert.ToInt64(row.GetValue(6)), Convert.ToInt64(row.GetValue(7)), Convert.ToInt64(row.GetValue(8)),
                        Convert.ToInt64(row.GetValue(9)), Convert.ToInt64(row.GetValue(10)), row.IsDBNull(11) ? null : Convert.ToInt64(row.GetValue(11)),
                        row.IsDBNull(12) ? null : (byte[])row.GetValue(12));
                }, ct);
            }
        }
        var rows = new List<SliceRow>();
        foreach (var group in merged.GroupBy(m => (m.Key.Scope, m.Key.Key.Vhost, m.Key.Key.Host)))
        {
            var rowNo = 0;
            foreach (var (key, value) in group.OrderByDescending(m => m.Value.Requests).ThenBy(m => m.Key.Key.Value, StringComparer.Ordinal))
                rows.Add(new SliceRow(SliceDimension.Paths.Id, block, key.Scope, key.Key, ++rowNo, SliceRanks.Latency, value, 0, 0));
        }
        foreach (var ((scope, key), rest) in rests)
            rows.Add(new SliceRow(SliceDimension.Paths.Id, block, scope, key, 0, 0, rest.Value, rest.MaxRequests, rest.MaxErrors));
        await using (var connection = await connections.OpenAsync(ct))
        await using (var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct))
        {
            await SliceRowWriter.ReplaceAsync(connection, transaction, block, requests, clock.GetUtcNow().UtcDateTime, rows, ct);
            await transaction.CommitAsync(ct);
        }
        logger.LogInformation("Built latency block {Span} min from {Start:o}: {Requests} requests, {Rows} rows, {Ms} ms",
            block.SpanMinutes, block.StartUtc, requests, rows.Count, watch.ElapsedMilliseconds);
        return rows.Count;
    }

    private static IEnumerable<DateTime> HoursOf(SliceId block) =>
        Enumerable.Range(0, block.SpanMinutes / SliceId.Hour).Select(i => block.StartUtc.AddHours(i));
}
