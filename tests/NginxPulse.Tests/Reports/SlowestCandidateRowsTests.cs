using System.Globalization;
using System.Text;
using MySql.Data.MySqlClient;
using NginxPulse.Functions.Reports.Slices;
using NginxPulse.Functions.Storage;
using NginxPulse.Tests.Storage;
using Xunit;

namespace NginxPulse.Tests.Reports;

/// <summary>
/// <see cref="SlowestPathCandidates.CandidateRowsSql"/> (bounds, threshold and candidates' rows in one statement) keeps
/// exactly the keys <see cref="SlowestPathCandidates.Select"/> keeps from the same bounds, and the bounds statement's
/// bounds hold each key's merged p95, on real MariaDB; <see cref="SlowestPathCandidates.AddSliceRows"/> computes the
/// statement's bounds in memory.
/// </summary>
public sealed class SlowestCandidateRowsTests
{
    private const string Where = "dimension = 1 AND span_minutes = 60 AND scope = 1 AND vhost = '' AND host = ''";
    private static readonly DateTime Day = new(2026, 11, 21, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task The_statement_keeps_the_keys_the_bounds_rule_keeps_for_every_limit_ties_and_fewer_keys_than_the_limit_included()
    {
        await using var db = await TestDatabase.CreateAsync();
        // 40 keys over 1-4 hours each, p95 buckets from a narrow range and small counts: many bounds tie the threshold.
        var random = new Random(5);
        var rows = new List<(int Key, int Hour, int Bucket, int Count)>();
        for (var key = 0; key < 40; key++)
            for (var hour = 0; hour <= key % 4; hour++)
                rows.Add((key, hour, random.Next(5, 13), random.Next(1, 31)));
        await InsertAsync(db, rows);

        var bounds = new SlowestPathCandidates();
        foreach (var (key, low, high) in await ReadAsync(db, SlowestPathCandidates.SliceBoundsSql(Where), r => (Convert.ToUInt64(r.GetValue(0)), Convert.ToInt32(r.GetValue(1)), Convert.ToInt32(r.GetValue(2)))))
            bounds.Add(key, low, high);
        Assert.Equal(40, bounds.Count);
        var inMemory = InMemory(rows);
        foreach (var limit in new[] { 1, 2, 3, 4, 5, 6, 7, 39, 40, 50 })
        {
            var kept = await ReadAsync(db, SlowestPathCandidates.CandidateRowsSql("value_hash", Where, limit), r => Convert.ToUInt64(r.GetValue(0)));
            Assert.Equal(bounds.Select(limit).Order(), kept.Distinct().Order());
            Assert.Equal(inMemory.Select(limit).Order(), kept.Distinct().Order());
            // Every slice row of a kept key, none of another.
            Assert.Equal(rows.Count(r => kept.Contains(ClientHash.Of(PathOf(r.Key)))), kept.Count);
        }
        Assert.True(bounds.Select(3).Count > 3, "the data holds keys whose upper bound ties or passes the threshold");
    }

    [Fact]
    public async Task Each_keys_bounds_hold_its_merged_p95_bucket_and_the_count_weighted_lower_bound_often_reaches_it()
    {
        await using var db = await TestDatabase.CreateAsync();
        // Per key, 1-6 hour groups of 1-200 request times (and, for odd keys, one more group below): a group's stored row is
        // its count and p95 bucket, as the slices store them; the truth is the p95 bucket of all the key's times together.
        var random = new Random(11);
        var rows = new List<(int Key, int Hour, int Bucket, int Count)>();
        var merged = new Dictionary<int, long[]>();
        for (var key = 0; key < 300; key++)
        {
            merged[key] = new long[LatencyHistogram.BucketCount];
            var hours = random.Next(1, 7);
            for (var hour = 0; hour <= hours; hour++)
            {
                var group = new long[LatencyHistogram.BucketCount];
                // Mostly fast times with rare slow outliers; odd keys also have a last group of 1-3 slow requests (an
                // edge minute's usual row): the groups' p95 buckets spread widely.
                var edge = hour == hours;
                if (edge && key % 2 == 0) continue;
                for (var i = edge ? random.Next(1, 4) : random.Next(1, 201); i > 0; i--)
                    group[LatencyHistogram.Bucket(edge || random.Next(100) < 3 ? random.Next(200, 5000) : random.Next(1, 40))]++;
                for (var b = 0; b < group.Length; b++) merged[key][b] += group[b];
                rows.Add((key, hour, LatencyHistogram.PercentileBucket(group, SlowestPathCandidates.Quantile)!.Value, (int)group.Sum()));
            }
        }
        await InsertAsync(db, rows);

        var bounds = (await ReadAsync(db, SlowestPathCandidates.SliceBoundsSql(Where), r => (Key: Convert.ToUInt64(r.GetValue(0)), Low: Convert.ToInt32(r.GetValue(1)), High: Convert.ToInt32(r.GetValue(2)))))
            .ToDictionary(b => b.Key);
        Assert.Equal(300, bounds.Count);
        var inMemory = InMemory(rows);
        Assert.All(bounds.Values, b => Assert.Equal((b.Low, b.High), inMemory.BoundsOf(b.Key)));
        var exact = 0;
        foreach (var (key, histogram) in merged)
        {
            var truth = LatencyHistogram.PercentileBucket(histogram, SlowestPathCandidates.Quantile)!.Value;
            var (_, low, high) = bounds[ClientHash.Of(PathOf(key))];
            Assert.InRange(truth, low, high);
            if (low == truth) exact++;
        }
        // The smallest row bucket (the classic lower bound) reaches the truth far less often.
        var classic = merged.Keys.Count(k => rows.Where(r => r.Key == k).Min(r => r.Bucket) == LatencyHistogram.PercentileBucket(merged[k], SlowestPathCandidates.Quantile));
        Assert.True(exact > classic + 30, $"lower bound exact for {exact} keys, the smallest row bucket for {classic}");
    }

    [Fact]
    public void A_limit_below_one_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => SlowestPathCandidates.CandidateRowsSql("value_hash", Where, 0));

    private static string PathOf(int key) => $"/p{key}";

    private static SlowestPathCandidates InMemory(List<(int Key, int Hour, int Bucket, int Count)> rows)
    {
        var candidates = new SlowestPathCandidates();
        candidates.AddSliceRows(rows.Select(r => (ClientHash.Of(PathOf(r.Key)), r.Bucket, (long)r.Count)));
        return candidates;
    }

    private static async Task InsertAsync(TestDatabase db, List<(int Key, int Hour, int Bucket, int Count)> rows)
    {
        var sql = new StringBuilder("""
            INSERT INTO report_slice_value (dimension, span_minutes, scope, vhost, host, slice_utc, row_no, ranks, value, value_hash,
              requests, bytes, status_4xx, status_5xx, latency_count, latency_sum_ms, latency_max_ms, histogram, p95_bucket) VALUES
            """);
        sql.AppendJoin(",\n", rows.Select(r => string.Create(CultureInfo.InvariantCulture,
            $"(1, 60, 1, '', '', '{Day.AddHours(r.Hour):yyyy-MM-dd HH:mm:ss}', {r.Key + 1}, 4, '{PathOf(r.Key)}', {ClientHash.Of(PathOf(r.Key))}, {r.Count}, 0, 0, 0, {r.Count}, {r.Count}, 1, NULL, {r.Bucket})")));
        await db.ExecuteAsync(sql.ToString());
    }

    private static async Task<List<T>> ReadAsync<T>(TestDatabase db, string sql, Func<MySqlDataReader, T> read)
    {
        await using var connection = await db.Connections.OpenAsync(CancellationToken.None);
        await using var cmd = new MySqlCommand(sql, connection);
        await using var reader = (MySqlDataReader)await cmd.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync()) rows.Add(read(reader));
        return rows;
    }
}
