using System.Globalization;
using NginxPulse.Functions.Reports.Queries;
using NginxPulse.Functions.Storage;

namespace NginxPulse.Functions.Reports.Slices;

/// <summary>
/// One report's reads over a range, in one consistent snapshot: which report slices answer for which parts of the
/// range (for slowest valid latency blocks first, then valid whole hours, then valid 5 minutes of the rest, then valid
/// minutes of the 5 minutes the range cuts at either end, each in the scope a vhost/host filter names), and the raw-row
/// intervals left. A slice is valid when the
/// rows its builder counted equal the minute rollups' request total of its time (rollup_site_minute plus compacted
/// rollup_hour rows) in this snapshot: rows that arrived after it was built make it invalid, and its time is read from
/// raw rows instead, so answers are always exact. The whole site's count governs every scope of a slice: the builder
/// sums all of them from the rows of one snapshot, and a scope's rows are rows of the site.
/// </summary>
public sealed class SlicedRead : IAsyncDisposable
{
    private readonly ConsistentSnapshot _snapshot;
    private readonly ReportFilter _filter;
    private readonly string? _sliceRanges;
    private readonly string? _sliceParts;

    /// <summary>Up to this many slices (a week of hours and both edges) are listed one by one; see <see cref="SlicesListed"/>.</summary>
    private const int MaxListedSlices = 240;
    private readonly string? _rawRanges;
    private readonly IReadOnlyList<(SliceId Slice, SliceBuild Build)> _builds;

    private SlicedRead(ConsistentSnapshot snapshot, ReportFilter filter, IReadOnlyList<(SliceId Slice, SliceBuild Build)> builds, IReadOnlyList<(DateTime From, DateTime To)> raw, long rawRowsAtMost)
    {
        _snapshot = snapshot;
        _filter = filter;
        _builds = builds;
        var slices = builds.Select(b => b.Slice).ToList();
        if (slices.Count > 0)
        {
            var ranges = new List<string>();
            foreach (var (span, from, to) in Merge(slices))
            {
                var i = ranges.Count;
                filter.Add($"@slices_from_{i}", from);
                filter.Add($"@slices_to_{i}", to);
                ranges.Add($"(span_minutes = {span} AND slice_utc >= @slices_from_{i} AND slice_utc < @slices_to_{i})");
            }
            var parameters = filter.Parameters;
            var scope = SliceScope.Of(parameters.Vhost is not null, parameters.Host is not null);
            // The scope's rows only: a filtered vhost or host, '' where the scope sums over them.
            var scoped = $"scope = {scope.Id} AND vhost = {(scope.ByVhost ? "@vhost" : "''")} AND host = {(scope.ByHost ? "@host" : "''")} ";
            _sliceRanges = $"{scoped}AND ({string.Join(" OR ", ranges)})";
            // Each slice's start listed: the primary key then reaches a row number in each slice by a seek. Not for
            // long ranges: MariaDB drops a range plan whose ranges outgrow range_optimizer_max_mem_size and scans.
            if (slices.Count <= MaxListedSlices)
            {
                var starts = new List<string>();
                foreach (var span in slices.GroupBy(s => s.SpanMinutes))
                {
                    var names = span.Select((s, i) => $"@part_{span.Key}_{i}").ToList();
                    foreach (var (slice, name) in span.Zip(names)) filter.Add(name, slice.StartUtc);
                    starts.Add($"(span_minutes = {span.Key} AND slice_utc IN ({string.Join(", ", names)}))");
                }
                _sliceParts = $"{scoped}AND ({string.Join(" OR ", starts)})";
            }
        }
        if (raw.Count > 0)
        {
            for (var i = 0; i < raw.Count; i++)
            {
                filter.Add($"@raw_from_{i}", raw[i].From);
                filter.Add($"@raw_to_{i}", raw[i].To);
            }
            _rawRanges = slices.Count == 0
                ? filter.RawWhere
                : $"{filter.RawWhere} AND ({string.Join(" OR ", raw.Select((_, i) => $"(time_utc >= @raw_from_{i} AND time_utc < @raw_to_{i})"))})";
        }
        Source = slices.Count == 0 ? ReportSource.Raw : raw.Count == 0 ? ReportSource.Rollup : ReportSource.Mixed;
        RawRowsAtMost = rawRowsAtMost;
    }

    public ReportSource Source { get; }

    /// <summary>
    /// At most how many raw rows are read: the whole site's requests of the 5 minutes and compacted hours the raw
    /// intervals overlap (none where no row is stored, such as before the oldest row or after the newest).
    /// </summary>
    public long RawRowsAtMost { get; }

    /// <summary>
    /// Starts the snapshot and finds the valid slices of the range. With <paramref name="slicesAnswer"/> false (a
    /// filter the slices cannot honour) every part is read from raw rows.
    /// </summary>
    public static Task<SlicedRead> BeginAsync(ReportDatabase database, ReportFilter filter, bool slicesAnswer, CancellationToken ct) =>
        BeginAsync(database, filter, slicesAnswer, latencyBlocks: false, ct);

    /// <summary>
    /// As <see cref="BeginAsync(ReportDatabase, ReportFilter, bool, CancellationToken)"/>; with
    /// <paramref name="latencyBlocks"/> valid latency blocks (<see cref="LatencyBlockBuilder"/>) answer before hours. They
    /// hold only the paths' latency ranking (and rest rows): for slowest alone.
    /// </summary>
    public static async Task<SlicedRead> BeginAsync(ReportDatabase database, ReportFilter filter, bool slicesAnswer, bool latencyBlocks, CancellationToken ct)
    {
        var snapshot = await database.SnapshotAsync(ct);
        try
        {
            var parameters = filter.Parameters;
            var stored = slicesAnswer ? await ValidSlicesAsync(snapshot, filter, latencyBlocks, ct) : null;
            var used = Widest(stored?.Valid.Keys.ToList() ?? []);
            var raw = new List<(DateTime From, DateTime To)>();
            var at = parameters.FromUtc;
            foreach (var slice in used)
            {
                if (slice.StartUtc > at) raw.Add((at, slice.StartUtc));
                at = slice.EndUtc;
            }
            if (at < parameters.ToUtc) raw.Add((at, parameters.ToUtc));
            return new SlicedRead(snapshot, filter, used.Select(s => (s, stored!.Valid[s])).ToList(), raw,
                stored is null ? long.MaxValue : raw.Sum(r => stored.RequestsAtMost(r.From, r.To)));
        }
        catch
        {
            await snapshot.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// "(slice rows) UNION ALL (raw rows)", leaving out a part with nothing to read. <paramref name="slices"/> gets the
    /// WHERE over report_slice_value for <paramref name="dimension"/>'s values kept in <paramref name="ranking"/>,
    /// <paramref name="raw"/> the WHERE over access_log (every filter, the raw intervals); each must select the same columns.
    /// </summary>
    public string UnionAll(SliceDimension dimension, SliceRanks ranking, Func<string, string> slices, Func<string, string> raw) =>
        string.Join("\nUNION ALL\n", new[] { SliceRows(dimension, ranking, slices), RawRows(raw) }.OfType<string>());

    /// <summary><paramref name="slices"/> of the WHERE over the slice rows read (see <see cref="UnionAll"/>); null when no slice is read.</summary>
    public string? SliceRows(SliceDimension dimension, SliceRanks ranking, Func<string, string> slices) =>
        _sliceRanges is null ? null : slices($"dimension = {dimension.Id} AND row_no > 0 AND (ranks & {(int)ranking}) <> 0 AND {_sliceRanges}");

    /// <summary>
    /// The slices read, each as <paramref name="dimension"/>'s rows in the scope the filter names and the build this
    /// snapshot found valid: what <see cref="Held.SliceRowCache"/> holds and answers for.
    /// </summary>
    public IReadOnlyList<(SlicePart Part, SliceBuild Build)> Parts(SliceDimension dimension)
    {
        var parameters = _filter.Parameters;
        var scope = SliceScope.Of(parameters.Vhost is not null, parameters.Host is not null);
        return _builds.Select(b => (new SlicePart(dimension.Id, b.Slice, scope.Id, scope.ByVhost ? parameters.Vhost! : "", scope.ByHost ? parameters.Host! : ""), b.Build)).ToList();
    }

    /// <summary>Whether the slices read are few enough to be listed one by one (<see cref="SlicePartRows"/>).</summary>
    public bool SlicesListed => _sliceParts is not null;

    /// <summary>
    /// <paramref name="slices"/> of the WHERE over every row of <paramref name="dimension"/> in the slices read, each
    /// slice's start listed (so a condition on row_no is a seek per slice); null when no slice is read or they are too
    /// many to list (<see cref="SlicesListed"/>).
    /// </summary>
    public string? SlicePartRows(SliceDimension dimension, Func<string, string> slices) =>
        _sliceParts is null ? null : slices($"dimension = {dimension.Id} AND {_sliceParts}");

    /// <summary><paramref name="raw"/> of the WHERE over the raw rows read (see <see cref="UnionAll"/>); null when none are.</summary>
    public string? RawRows(Func<string, string> raw) => _rawRanges is null ? null : raw(_rawRanges);

    public Task ReadAsync(string sql, Action<System.Data.Common.DbDataReader> onRow, CancellationToken ct) =>
        _snapshot.ReadAsync(sql, _filter.Values, onRow, ct);

    /// <summary>A statement with other parameters than the filter's, in this read's snapshot.</summary>
    public Task ReadAsync(string sql, IReadOnlyList<KeyValuePair<string, object>> parameters, Action<System.Data.Common.DbDataReader> onRow, CancellationToken ct) =>
        _snapshot.ReadAsync(sql, parameters, onRow, ct);

    /// <summary>
    /// Reads rows of (value, count, count, ...) and sums the counts per value (in no order). Merged here rather than by GROUP BY: the values are long strings, which make MariaDB group in an
    /// on-disk temporary table, several times slower than streaming the slices' few thousand rows per hour.
    /// </summary>
    public async Task<List<KeyValuePair<string?, long[]>>> SumPerValueAsync(string sql, int counts, CancellationToken ct)
    {
        var sums = new ValueSums(counts);
        await SumPerValueAsync(sql, sums, ct);
        return sums.ToList();
    }

    /// <summary>As <see cref="SumPerValueAsync(string, int, CancellationToken)"/>, adding to <paramref name="sums"/>.</summary>
    public Task SumPerValueAsync(string sql, ValueSums sums, CancellationToken ct) =>
        ReadAsync(sql, row =>
        {
            var target = sums.Of(row.IsDBNull(0) ? null : row.GetString(0));
            for (var i = 0; i < sums.Counts; i++) target[i] += Convert.ToInt64(row.GetValue(i + 1));
        }, ct);

    /// <summary>Values as the raw reports' ORDER BY over a binary collation orders them: NULL first, then by code point.</summary>
    public static IComparer<string?> ValueOrder { get; } = StringComparer.Ordinal;

    /// <summary>
    /// Exact unless a slice read kept only its top values; then the bound is the sum over those slices of the largest
    /// request count (<paramref name="ranking"/> requests) or error count (errors) outside the ranking read; none for
    /// the latency ranking (no count bounds a percentile).
    /// </summary>
    public async Task<TopListAccuracy> AccuracyAsync(SliceDimension dimension, SliceRanks ranking, CancellationToken ct)
    {
        if (_sliceRanges is null) return new TopListAccuracy(true, 0);
        long truncated = 0, bound = 0;
        await ReadAsync($"""
            SELECT COUNT(*), COALESCE(SUM({(ranking == SliceRanks.Errors ? "dropped_max_errors" : "dropped_max_requests")}), 0)
            FROM report_slice_value WHERE dimension = {dimension.Id} AND row_no = 0 AND {_sliceParts ?? _sliceRanges}
            """, row => (truncated, bound) = (Convert.ToInt64(row.GetValue(0)), Convert.ToInt64(row.GetValue(1))), ct);
        return truncated == 0 ? new TopListAccuracy(true, 0) : new TopListAccuracy(false, ranking == SliceRanks.Latency ? null : bound);
    }

    public ValueTask DisposeAsync() => _snapshot.DisposeAsync();

    /// <summary>
    /// The stored slices of the range whose counted rows equal the rollups' requests of their time: one statement reads
    /// the slices (and the latency blocks inside the range with <paramref name="latencyBlocks"/>), the site minutes'
    /// requests per 5 minutes and the compacted hours' requests (range scans of a few hundred rows), compared here.
    /// </summary>
    private static async Task<StoredSlices> ValidSlicesAsync(ConsistentSnapshot snapshot, ReportFilter filter, bool latencyBlocks, CancellationToken ct)
    {
        // Minute slices are read only inside the 5 minutes the range cuts at either end: whole 5 minutes have their own
        // slices, so the minutes of a day are never all read.
        var (from, to) = (filter.Parameters.FromUtc, filter.Parameters.ToUtc);
        var headEnd = Min(FiveMinutesUp(from), to);
        var tailStart = Max(FiveMinutesDown(to), headEnd);
        const string edgeMinutes = "{0} >= @from AND {0} < @minutes_head_end OR {0} >= @minutes_tail_start AND {0} < @to";
        var slices = new List<(SliceId Slice, long Requests, DateTime BuiltUtc)>();
        var fives = new Dictionary<DateTime, long>();
        var compacted = new Dictionary<DateTime, long>();
        var siteMinutes = new Dictionary<DateTime, long>();
        await snapshot.ReadAsync($"""
            SELECT 0, span_minutes, slice_utc, requests, built_utc FROM report_slice
            WHERE {string.Join(" OR ", WholeSpans(latencyBlocks).Select(span => $"(span_minutes = {span} AND slice_utc >= @from AND slice_utc <= @to - INTERVAL {span} MINUTE)"))}
              OR (span_minutes = {SliceId.Minute} AND ({string.Format(CultureInfo.InvariantCulture, edgeMinutes, "slice_utc")}))
            UNION ALL
            SELECT 1, {SliceId.FiveMinutes}, minute_utc - INTERVAL MINUTE(minute_utc) % 5 MINUTE AS five, SUM(requests), NULL FROM {SiteMinuteTable.Name}
            WHERE minute_utc >= @from AND minute_utc < @to GROUP BY five
            UNION ALL
            SELECT 2, {SliceId.Hour}, hour_utc, SUM(requests), NULL FROM rollup_hour WHERE hour_utc > @from - INTERVAL 1 HOUR AND hour_utc < @to GROUP BY hour_utc
            UNION ALL
            SELECT 3, {SliceId.Minute}, minute_utc, requests, NULL FROM {SiteMinuteTable.Name}
            WHERE {string.Format(CultureInfo.InvariantCulture, edgeMinutes, "minute_utc")}
            """, [.. filter.Values.Where(v => v.Key is "@from" or "@to"), new("@minutes_head_end", headEnd), new("@minutes_tail_start", tailStart)], row =>
        {
            var time = DateTime.SpecifyKind(row.GetDateTime(2), DateTimeKind.Utc);
            var requests = Convert.ToInt64(row.GetValue(3));
            switch (Convert.ToInt32(row.GetValue(0)))
            {
                case 0: slices.Add((new SliceId(Convert.ToInt32(row.GetValue(1)), time), requests, row.GetDateTime(4))); break;
                case 1: fives[time] = requests; break;
                case 2: compacted[time] = requests; break;
                default: siteMinutes[time] = requests; break;
            }
        }, ct);
        long HourRequests(DateTime hour) => compacted.GetValueOrDefault(hour) + Enumerable.Range(0, 12).Sum(i => fives.GetValueOrDefault(hour.AddMinutes(5 * i)));
        var valid = slices.Where(s => s.Slice.SpanMinutes switch
            {
                >= SliceId.Hour => s.Requests == Enumerable.Range(0, s.Slice.SpanMinutes / SliceId.Hour).Sum(i => HourRequests(s.Slice.StartUtc.AddHours(i))),
                // A compacted hour's minutes are gone: its 5 minutes and minutes can no longer be checked.
                SliceId.FiveMinutes => s.Requests == fives.GetValueOrDefault(s.Slice.StartUtc) && !compacted.ContainsKey(HourOf(s.Slice.StartUtc)),
                _ => s.Requests == siteMinutes.GetValueOrDefault(s.Slice.StartUtc) && !compacted.ContainsKey(HourOf(s.Slice.StartUtc)),
            })
            .ToDictionary(s => s.Slice, s => new SliceBuild(s.Requests, s.BuiltUtc));
        return new StoredSlices(valid, fives, compacted);
    }

    /// <summary>The valid slices of a range, with the site's requests per 5 minutes and per compacted hour in it.</summary>
    private sealed record StoredSlices(Dictionary<SliceId, SliceBuild> Valid, Dictionary<DateTime, long> Fives, Dictionary<DateTime, long> Compacted)
    {
        public long RequestsAtMost(DateTime from, DateTime to) =>
            Fives.Where(f => f.Key < to && f.Key.AddMinutes(SliceId.FiveMinutes) > from).Sum(f => f.Value) +
            Compacted.Where(h => h.Key < to && h.Key.AddHours(1) > from).Sum(h => h.Value);
    }

    /// <summary>The spans read whole inside the range: hours and 5 minutes, and the latency blocks with <paramref name="latencyBlocks"/>.</summary>
    private static IEnumerable<int> WholeSpans(bool latencyBlocks) =>
        (latencyBlocks ? LatencyBlockBuilder.Spans : []).Append(SliceId.Hour).Append(SliceId.FiveMinutes);

    /// <summary>
    /// The widest valid slices covering the range: every valid block, then each valid hour outside them, then each valid
    /// 5 minutes outside those, then each valid minute outside all (slices of each span are aligned to it and each span
    /// divides the wider ones, so a narrower slice lies wholly inside a wider one or outside it); in time order.
    /// </summary>
    private static List<SliceId> Widest(IReadOnlyList<SliceId> valid)
    {
        var used = new HashSet<SliceId>();
        var spans = valid.Select(s => s.SpanMinutes).Distinct().OrderDescending().ToList();
        foreach (var slice in valid.OrderByDescending(s => s.SpanMinutes))
        {
            if (spans.Any(wider => wider > slice.SpanMinutes && used.Contains(new SliceId(wider, SliceId.Floor(slice.StartUtc, wider))))) continue;
            used.Add(slice);
        }
        return used.OrderBy(s => s.StartUtc).ToList();
    }

    private static DateTime FiveMinutesDown(DateTime time) => SliceId.Floor(time, SliceId.FiveMinutes);

    private static DateTime FiveMinutesUp(DateTime time) => FiveMinutesDown(time.AddTicks(SliceId.FiveMinutes * TimeSpan.TicksPerMinute - 1));

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;

    private static DateTime HourOf(DateTime time) => SliceId.Floor(time, SliceId.Hour);

    /// <summary>Adjacent slices of the same span as one range each (fewer, wider conditions).</summary>
    private static List<(int Span, DateTime From, DateTime To)> Merge(IReadOnlyList<SliceId> slices)
    {
        var ranges = new List<(int Span, DateTime From, DateTime To)>();
        foreach (var slice in slices)
        {
            if (ranges.Count > 0 && ranges[^1].Span == slice.SpanMinutes && ranges[^1].To == slice.StartUtc)
                ranges[^1] = ranges[^1] with { To = slice.EndUtc };
            else
                ranges.Add((slice.SpanMinutes, slice.StartUtc, slice.EndUtc));
        }
        return ranges;
    }
}
