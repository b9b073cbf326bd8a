using System.Globalization;
using NginxPulse.Functions.Reports.Queries;
using NginxPulse.Functions.Storage;

namespace NginxPulse.Functions.Reports.Slices;

/// <summary>
/// What a top list sums per value of <see cref="Dimension"/>: <see cref="SliceCounts"/> over the slice rows of
/// <see cref="Ranking"/> and the matching aggregates <see cref="RawCounts"/> over raw rows (same order), conditions
/// appended to either WHERE, and the expression over the sums (c0, c1, ...) that ranks them, most first.
/// </summary>
public sealed record TopValuesQuery(
    SliceDimension Dimension,
    SliceRanks Ranking,
    IReadOnlyList<string> SliceCounts,
    string SliceCondition,
    IReadOnlyList<string> RawCounts,
    string RawCondition,
    string RankBy,
    int Limit);

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
/// </remarks>
public static class SlicedTopValues
{
    public static async Task<List<KeyValuePair<string?, long[]>>> ReadAsync(SlicedRead read, TopValuesQuery query, CancellationToken ct)
    {
        if (read.Source == ReportSource.Raw) return await PerValueAsync(read, query, ct);
        var winners = await WinnersAsync(read, query, ct);
        var values = await ValuesAsync(read, query, winners.Where(w => w.Hash is not null).Select(w => w.Hash!.Value).ToList(), ct);
        if (values is null) return await PerValueAsync(read, query, ct);
        return winners.Select(w => new KeyValuePair<string?, long[]>(w.Hash is { } hash ? values[hash] : null, w.Counts)).ToList();
    }

    private static Task<List<KeyValuePair<string?, long[]>>> PerValueAsync(SlicedRead read, TopValuesQuery query, CancellationToken ct) =>
        read.SumPerValueAsync(read.UnionAll(query.Dimension, query.Ranking,
            where => $"SELECT value, {string.Join(", ", query.SliceCounts)} FROM report_slice_value WHERE {where}{query.SliceCondition}",
            where => $"""
                SELECT {query.Dimension.KeyExpression} AS k, {string.Join(", ", query.RawCounts)}
                FROM access_log WHERE {where}{query.Dimension.KeyCondition}{query.RawCondition} GROUP BY k
                """), query.SliceCounts.Count, ct);

    /// <summary>The value keys ranked within the limit (ties included) with their sums; a null key is the null value.</summary>
    private static async Task<List<(ulong? Hash, long[] Counts)>> WinnersAsync(SlicedRead read, TopValuesQuery query, CancellationToken ct)
    {
        var n = query.SliceCounts.Count;
        string Aliased(IReadOnlyList<string> counts) => string.Join(", ", counts.Select((c, i) => $"{c} AS c{i}"));
        var sums = string.Join(", ", Enumerable.Range(0, n).Select(i => $"SUM(c{i}) AS c{i}"));
        var columns = string.Join(", ", Enumerable.Range(0, n).Select(i => $"c{i}"));
        var union = read.UnionAll(query.Dimension, query.Ranking,
            where => $"SELECT value_hash AS h, {Aliased(query.SliceCounts)} FROM report_slice_value WHERE {where}{query.SliceCondition}",
            where => $"""
                SELECT {ClientHash.Sql(query.Dimension.KeyExpression)} AS h, {Aliased(query.RawCounts)}
                FROM access_log WHERE {where}{query.Dimension.KeyCondition}{query.RawCondition} GROUP BY h
                """);
        var winners = new List<(ulong?, long[])>();
        await read.ReadAsync($"""
            SELECT h, {columns} FROM (
              SELECT h, {columns}, RANK() OVER (ORDER BY {query.RankBy} DESC) AS top_rank FROM (
                SELECT h, {sums} FROM (
            {union}
                ) u GROUP BY h
              ) g
            ) w WHERE top_rank <= {query.Limit.ToString(CultureInfo.InvariantCulture)}
            """, row =>
        {
            var counts = new long[n];
            for (var i = 0; i < n; i++) counts[i] = Convert.ToInt64(row.GetValue(i + 1));
            winners.Add((row.IsDBNull(0) ? null : Convert.ToUInt64(row.GetValue(0)), counts));
        }, ct);
        return winners;
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
        static string In(IEnumerable<ulong> keys) => string.Join(", ", keys.Select(k => k.ToString(CultureInfo.InvariantCulture)));

        var fromSlices = read.SliceRows(query.Dimension, query.Ranking,
            where => $"SELECT value_hash, value FROM report_slice_value WHERE {where}{query.SliceCondition} AND value_hash IN ({In(hashes)})");
        if (fromSlices is not null) await read.ReadAsync(fromSlices, Add, ct);
        var missing = hashes.Where(h => !values.ContainsKey(h)).ToList();
        var fromRaw = missing.Count == 0 ? null : read.RawRows(where => $"""
            SELECT DISTINCT {ClientHash.Sql(query.Dimension.KeyExpression)}, {query.Dimension.KeyExpression} FROM access_log
            WHERE {where}{query.Dimension.KeyCondition}{query.RawCondition} AND {ClientHash.Sql(query.Dimension.KeyExpression)} IN ({In(missing)})
            """);
        if (fromRaw is not null) await read.ReadAsync(fromRaw, Add, ct);
        if (hashes.Any(h => !values.TryGetValue(h, out var set) || set.Count != 1)) return null;
        return values.ToDictionary(v => v.Key, v => v.Value.Single());
    }
}
