using System.Globalization;
using NginxPulse.Functions.Reports.Held;
using NginxPulse.Functions.Reports.Queries;
using NginxPulse.Functions.Storage;

namespace NginxPulse.Functions.Reports.Slices;

/// <summary>
/// What a top list sums per value of <see cref="Dimension"/>: <see cref="SliceCounts"/> over the slice rows of
/// <see cref="Ranking"/> and the matching aggregates <see cref="RawCounts"/> over raw rows (same order), conditions
/// appended to either WHERE, and which sums rank them, added, most first (<see cref="RankBy"/>: their indexes; their sum
/// over a slice row must not exceed its requests, which bounds what a slice's unread rows can add: see <see cref="TopKeyBounds"/>).
/// <see cref="HeldCounts"/> and <see cref="HeldCondition"/> are <see cref="SliceCounts"/> and <see cref="SliceCondition"/>
/// over slice rows held in memory (<see cref="SliceRowCache"/>).
/// </summary>
public sealed record TopValuesQuery(
    SliceDimension Dimension,
    SliceRanks Ranking,
    IReadOnlyList<string> SliceCounts,
    string SliceCondition,
    IReadOnlyList<string> RawCounts,
    string RawCondition,
    IReadOnlyList<int> RankBy,
    int Limit,
    Func<CachedSliceRow, long[]> HeldCounts,
    Func<CachedSliceRow, bool> HeldCondition);

/// <summary>
/// The values of a top list with their summed counts: at least every value ranked within <see cref="TopValuesQuery.Limit"/>
/// by <see cref="TopValuesQuery.RankBy"/>, with all values tied at the last place, so the caller's order (ties broken by
/// the value) and cut give exactly the answer of summing every value.
/// </summary>
/// <remarks>
/// With slices in the range the database sums per 64-bit value key (<see cref="ClientHash"/>, stored in
/// report_slice_value.value_hash and computed alike for raw rows) and ranks in SQL, so only the winners come back,
/// and their values are read from the slice rows afterwards. A narrow key groups in memory: MariaDB groups strings wider
/// than 512 characters (paths, referrers, user agents) in an on-disk temporary table. Two winners' values sharing a key
/// (about 2^-64 per pair) would merge their counts: then the list is summed per value instead, as it is when only raw
/// rows are read (one grouping pass over them, no second read for the values).
/// Before ranking every slice row, the first rows of each slice (and the largest raw sums) bound which keys can rank
/// (<see cref="TopKeyBounds"/>); when they tell, only those keys are summed, through the value-key index
/// (report_slice_value_key), so a day's ranking reads a few hundred rows instead of tens of thousands. A limit over 64
/// cannot be bounded that way and its winners hold most of the rows ranked: the ranking statement then also returns each
/// winner's value, read from one of its slice rows, and whether all its slice rows hold that value. When this replica
/// holds every slice part read (<see cref="SliceRowCache"/>), the slice rows are summed per value in memory instead and
/// only the raw rows are read; a call that misses has the parts read for the next.
/// </remarks>
public static class SlicedTopValues
{
    /// <summary>
    /// The slices' first rows read to bound the keys, per limit, and then deeper once. Errors are a fraction of the
    /// requests that order a slice's rows and bound what its unread rows hold, so their ranking starts deeper.
    /// </summary>
    private static int[] DepthPerLimit(SliceRanks ranking) => ranking == SliceRanks.Requests ? [4, 16] : [16];

    /// <summary>
    /// Deeper than this the bounding read costs about as much as ranking every row (a slice keeps
    /// <see cref="ReportSlicesOptions.TopValues"/> rows per ranking, 1000 by default).
    /// </summary>
    private const int MaxDepth = 256;

    /// <summary>
    /// Raw rows are grouped twice when bounding (largest sums, then the candidates' sums): beyond a few minutes of
    /// traffic (~7,000 rows a minute at 10 million rows a day; a stale hour, a filtered range's partial hours) every
    /// row is ranked once instead.
    /// </summary>
    private const long MaxRawRowsToBound = 20_000;

    /// <summary>
    /// Over this limit the first rows never bound the keys (<see cref="DepthPerLimit"/> × limit exceeds <see cref="MaxDepth"/>)
    /// and the winners hold most of the rows ranked, so their values are read with the ranking (<see cref="ValueOfRow"/>).
    /// </summary>
    private const int MaxLimitReadingValuesApart = MaxDepth / 4;

    public static async Task<List<KeyValuePair<string?, long[]>>> ReadAsync(SlicedRead read, TopValuesQuery query, SliceRowCache cache, CancellationToken ct)
    {
        if (read.Source == ReportSource.Raw) return await PerValueAsync(read, query, ct);
        var parts = read.Parts(query.Dimension);
        if (await cache.GetAllAsync(read, parts, ct) is { } held) return await HeldAsync(read, query, held, ct);
        var values = await FromDatabaseAsync(read, query, ct);
        // After this call's own reads, so filling does not slow the call that missed.
        cache.RequestFill(parts);
        return values;
    }

    private static async Task<List<KeyValuePair<string?, long[]>>> FromDatabaseAsync(SlicedRead read, TopValuesQuery query, CancellationToken ct)
    {
        var candidates = await CandidatesAsync(read, query, ct);
        var winners = await WinnersAsync(read, query, candidates, withValues: candidates is null && query.Limit > MaxLimitReadingValuesApart, ct);
        if (winners.Any(w => !w.OneValue)) return await PerValueAsync(read, query, ct);
        var values = await ValuesAsync(read, query, winners.Where(w => w is { Hash: not null, Value: null }).Select(w => w.Hash!.Value).ToList(), ct);
        if (values is null) return await PerValueAsync(read, query, ct);
        return winners.Select(w => new KeyValuePair<string?, long[]>(w.Hash is { } hash ? w.Value ?? values[hash] : null, w.Counts)).ToList();
    }

    /// <summary>
    /// The held slice rows of the ranking summed per value, with the raw rows' sums per value, cut to the values ranked
    /// within the limit (ties at the last place included). Per value, not per key: no two values can merge.
    /// </summary>
    private static async Task<List<KeyValuePair<string?, long[]>>> HeldAsync(SlicedRead read, TopValuesQuery query, IReadOnlyList<CachedSliceRow>[] held, CancellationToken ct)
    {
        var sums = new ValueSums(query.RawCounts.Count);
        var raw = read.RawRows(where => RawPerValueSql(query, where));
        if (raw is not null) await read.SumPerValueAsync(raw, sums, ct);
        foreach (var part in held)
            foreach (var row in part)
                if ((row.Ranks & query.Ranking) != 0 && query.HeldCondition(row)) sums.Add(row.Value, query.HeldCounts(row));
        var all = sums.ToList();
        if (all.Count <= query.Limit) return all;
        long Ranked(long[] counts) => query.RankBy.Sum(i => counts[i]);
        var threshold = all.Select(v => Ranked(v.Value)).OrderDescending().ElementAt(query.Limit - 1);
        return all.Where(v => Ranked(v.Value) >= threshold).ToList();
    }

    private static string RawPerValueSql(TopValuesQuery query, string where) => $"""
        SELECT {query.Dimension.KeyExpression} AS k, {string.Join(", ", query.RawCounts)}
        FROM access_log WHERE {where}{query.Dimension.KeyCondition}{query.RawCondition} GROUP BY k
        """;

    private static Task<List<KeyValuePair<string?, long[]>>> PerValueAsync(SlicedRead read, TopValuesQuery query, CancellationToken ct) =>
        read.SumPerValueAsync(read.UnionAll(query.Dimension, query.Ranking,
            where => $"SELECT value, {string.Join(", ", query.SliceCounts)} FROM report_slice_value WHERE {where}{query.SliceCondition}",
            where => RawPerValueSql(query, where)), query.SliceCounts.Count, ct);

    /// <summary>
    /// The keys that can rank, bounded from the slices' first rows and the largest raw sums (<see cref="TopKeyBounds"/>),
    /// read deeper once if the first read cannot tell; null when no read tells (every key is ranked).
    /// </summary>
    private static async Task<IReadOnlyList<ValueKey>?> CandidatesAsync(SlicedRead read, TopValuesQuery query, CancellationToken ct)
    {
        if (read.RawRowsAtMost > MaxRawRowsToBound || !read.SlicesListed) return null;
        var sliceRanked = string.Join(" + ", query.RankBy.Select(i => query.SliceCounts[i]));
        var rawRanked = string.Join(" + ", query.RankBy.Select(i => query.RawCounts[i]));
        foreach (var depth in DepthPerLimit(query.Ranking).Select(d => d * query.Limit).Where(d => d <= MaxDepth))
        {
            var bounds = new TopKeyBounds(depth);
            var slices = read.SlicePartRows(query.Dimension, where => $"""
                SELECT span_minutes, slice_utc, row_no, requests, value_hash, ((ranks & {(int)query.Ranking}) <> 0{query.SliceCondition}) IS TRUE, {sliceRanked}
                FROM report_slice_value WHERE {where} AND row_no BETWEEN 1 AND {depth.ToString(CultureInfo.InvariantCulture)}
                """);
            if (slices is not null)
                await read.ReadAsync(slices, row => bounds.AddSliceRow(
                    new SliceId(Convert.ToInt32(row.GetValue(0)), DateTime.SpecifyKind(row.GetDateTime(1), DateTimeKind.Utc)),
                    Convert.ToInt32(row.GetValue(2)), Convert.ToInt64(row.GetValue(3)), KeyOf(row, 4),
                    Convert.ToInt64(row.GetValue(5)) != 0 ? Convert.ToInt64(row.GetValue(6)) : null), ct);
            var raw = read.RawRows(where => $"""
                SELECT h, r FROM (
                  SELECT {ClientHash.Sql(query.Dimension.KeyExpression)} AS h, {rawRanked} AS r
                  FROM access_log WHERE {where}{query.Dimension.KeyCondition}{query.RawCondition} GROUP BY h
                ) g ORDER BY r DESC LIMIT {depth.ToString(CultureInfo.InvariantCulture)}
                """);
            if (raw is not null) await read.ReadAsync(raw, row => bounds.AddRawSum(KeyOf(row, 0), Convert.ToInt64(row.GetValue(1))), ct);
            if (bounds.Candidates(query.Limit) is { } candidates) return candidates;
        }
        return null;
    }

    private static ValueKey KeyOf(System.Data.Common.DbDataReader row, int column) =>
        new(row.IsDBNull(column) ? null : Convert.ToUInt64(row.GetValue(column)));

    /// <summary>
    /// A winner's key (null: the null value) and sums; with the values read in the ranking (<see cref="WinnersAsync"/>),
    /// also its value when a slice row holds it and whether all its slice rows hold one value (false: two values share the key).
    /// </summary>
    private sealed record Winner(ulong? Hash, long[] Counts, string? Value, bool OneValue);

    /// <summary>
    /// Where a slice row is, as one integer (minutes since 1970 of its slice, its span, its row number): the smallest per
    /// key is the row its value is read from. Row numbers are under 2^22 (a slice keeps at most 1,000,000 values per
    /// ranking, paths three rankings), spans under 2^11 minutes (a day is 1,440), the minutes under 2^30 (until 4011).
    /// </summary>
    private const string RowOf = "(TIMESTAMPDIFF(MINUTE, '1970-01-01', slice_utc) << 33 | span_minutes << 22 | row_no)";

    /// <summary>The slice row that <see cref="RowOf"/> named as <c>w.row_of</c>: its primary key's span, start and number.</summary>
    private const string ValueOfRow = "span_minutes = (w.row_of >> 22 & 2047) AND slice_utc = CAST('1970-01-01' AS DATETIME) + INTERVAL (w.row_of >> 33) MINUTE AND row_no = (w.row_of & 4194303)";

    /// <summary>
    /// What tells a key's values apart without grouping them (a value up to 2,048 characters makes MariaDB group on disk):
    /// the value itself when at most 32 bytes (every client address, most paths), else its SHA-256. With their byte
    /// lengths equal too, rows whose fingerprints agree hold one value: the same bytes, or (longer values) the same SHA-256.
    /// </summary>
    private const string Fingerprint = "IF(LENGTH(value) <= 32, CAST(value AS BINARY(32)), UNHEX(SHA2(value, 256)))";

    /// <summary>
    /// The value keys ranked within the limit (ties included) with their sums; a null key is the null value. Only
    /// <paramref name="candidates"/> are summed when given (every key that can rank). With <paramref name="withValues"/>
    /// the same statement reads each winner's value from one of its slice rows (by primary key) and checks that all its
    /// slice rows hold that value (<see cref="Fingerprint"/>): reading every row of a thousand winners costs more than
    /// ranking them (a day's 24,000 rows to the client).
    /// </summary>
    private static async Task<List<Winner>> WinnersAsync(SlicedRead read, TopValuesQuery query, IReadOnlyList<ValueKey>? candidates, bool withValues, CancellationToken ct)
    {
        var n = query.SliceCounts.Count;
        string Aliased(IReadOnlyList<string> counts) => string.Join(", ", counts.Select((c, i) => $"{c} AS c{i}"));
        var sums = string.Join(", ", Enumerable.Range(0, n).Select(i => $"SUM(c{i}) AS c{i}"));
        var columns = string.Join(", ", Enumerable.Range(0, n).Select(i => $"c{i}"));
        var valueOf = withValues ? read.SliceRows(query.Dimension, query.Ranking, where => $"LEFT JOIN report_slice_value v ON {where} AND {ValueOfRow}") : null;
        var (sliceRow, rawRow, perKey) = valueOf is null
            ? ("", "", "")
            : ($", {RowOf} AS row_of, LENGTH(value) AS value_length, {Fingerprint} AS fingerprint", ", NULL, NULL, NULL",
                ", MIN(row_of) AS row_of, MIN(value_length) <=> MAX(value_length) AND MIN(fingerprint) <=> MAX(fingerprint) AS one_value");
        var union = read.UnionAll(query.Dimension, query.Ranking,
            where => $"SELECT value_hash AS h, {Aliased(query.SliceCounts)}{sliceRow} FROM report_slice_value WHERE {where}{query.SliceCondition}{KeyFilter(" AND ", "value_hash", candidates)}",
            where => $"""
                SELECT {ClientHash.Sql(query.Dimension.KeyExpression)} AS h, {Aliased(query.RawCounts)}{rawRow}
                FROM access_log WHERE {where}{query.Dimension.KeyCondition}{query.RawCondition} GROUP BY h{KeyFilter(" HAVING ", "h", candidates)}
                """);
        var winners = new List<Winner>();
        await read.ReadAsync($"""
            SELECT w.h, {string.Join(", ", Enumerable.Range(0, n).Select(i => $"w.c{i}"))}{(valueOf is null ? ", 1, NULL" : ", w.one_value, v.value")} FROM (
              SELECT h, {columns}{(valueOf is null ? "" : ", row_of, one_value")}, RANK() OVER (ORDER BY {string.Join(" + ", query.RankBy.Select(i => $"c{i}"))} DESC) AS top_rank FROM (
                SELECT h, {sums}{perKey} FROM (
            {union}
                ) u GROUP BY h
              ) g
            ) w {valueOf}
            WHERE w.top_rank <= {query.Limit.ToString(CultureInfo.InvariantCulture)}
            """, row =>
        {
            var counts = new long[n];
            for (var i = 0; i < n; i++) counts[i] = Convert.ToInt64(row.GetValue(i + 1));
            winners.Add(new Winner(row.IsDBNull(0) ? null : Convert.ToUInt64(row.GetValue(0)), counts,
                row.IsDBNull(n + 2) ? null : row.GetString(n + 2), Convert.ToInt64(row.GetValue(n + 1)) != 0));
        }, ct);
        return winners;
    }

    /// <summary>"<paramref name="prefix"/>(column IN (keys) OR column IS NULL)" for the keys given; "" for none given.</summary>
    private static string KeyFilter(string prefix, string column, IReadOnlyList<ValueKey>? keys)
    {
        if (keys is null) return "";
        var hashes = keys.Where(k => k.Hash is not null).Select(k => k.Hash!.Value).ToList();
        var conditions = new List<string>();
        if (hashes.Count > 0) conditions.Add($"{column} IN ({ValueKeyList.Sql(hashes)})");
        if (keys.Any(k => k.Hash is null)) conditions.Add($"{column} IS NULL");
        return $"{prefix}({string.Join(" OR ", conditions)})";
    }

    /// <summary>
    /// The value of each key: from the slice rows read, and from the raw rows for keys no slice row holds. Null when a
    /// key has two values (their counts were merged).
    /// </summary>
    private static async Task<Dictionary<ulong, string>?> ValuesAsync(SlicedRead read, TopValuesQuery query, List<ulong> hashes, CancellationToken ct)
    {
        var values = new Dictionary<ulong, HashSet<string>>();
        if (hashes.Count == 0) return [];
        void Add(System.Data.Common.DbDataReader row)
        {
            var hash = Convert.ToUInt64(row.GetValue(0));
            if (!values.TryGetValue(hash, out var set)) values[hash] = set = new HashSet<string>(StringComparer.Ordinal);
            set.Add(row.GetString(1));
        }
        var fromSlices = read.SliceRows(query.Dimension, query.Ranking,
            where => $"SELECT value_hash, value FROM report_slice_value WHERE {where}{query.SliceCondition} AND value_hash IN ({ValueKeyList.Sql(hashes)})");
        if (fromSlices is not null) await read.ReadAsync(fromSlices, Add, ct);
        var missing = hashes.Where(h => !values.ContainsKey(h)).ToList();
        var fromRaw = missing.Count == 0 ? null : read.RawRows(where => $"""
            SELECT DISTINCT {ClientHash.Sql(query.Dimension.KeyExpression)}, {query.Dimension.KeyExpression} FROM access_log
            WHERE {where}{query.Dimension.KeyCondition}{query.RawCondition} AND {ClientHash.Sql(query.Dimension.KeyExpression)} IN ({ValueKeyList.Sql(missing)})
            """);
        if (fromRaw is not null) await read.ReadAsync(fromRaw, Add, ct);
        if (hashes.Any(h => !values.TryGetValue(h, out var set) || set.Count != 1)) return null;
        return values.ToDictionary(v => v.Key, v => v.Value.Single());
    }
}
