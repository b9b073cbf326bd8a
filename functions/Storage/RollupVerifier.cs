using MySql.Data.MySqlClient;

namespace NginxPulse.Functions.Storage;

/// <summary>One rollup row that differs from its recomputation from access_log (null side = row missing).</summary>
public sealed record RollupMismatch(string Table, string Key, string? Stored, string? Recomputed);

/// <summary>
/// Recomputes the rollups from access_log and compares them with the stored ones: the proof (in tests and in
/// operations) that the increments and recomputations of the store kept them exact.
/// </summary>
public sealed class RollupVerifier
{
    private readonly MySqlConnectionFactory _connections;

    public RollupVerifier(MySqlConnectionFactory connections) => _connections = connections;

    /// <summary>Every mismatch in minutes [fromUtc, toUtc); empty when the rollups are exact.</summary>
    public async Task<IReadOnlyList<RollupMismatch>> VerifyAsync(DateTime fromUtc, DateTime toUtc, CancellationToken ct)
    {
        await using var connection = await _connections.OpenAsync(ct);
        // One consistent snapshot for all the reads, so a concurrent batch cannot show up in one side only.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        const string rollupRange = "minute_utc >= @from AND minute_utc < @to";
        const string rawRange = "time_utc >= @from AND time_utc < @to";

        var mismatches = new List<RollupMismatch>();
        Compare("rollup_minute",
            await ReadAsync(connection, transaction, $"SELECT {RollupSql.MinuteColumns} FROM rollup_minute WHERE {rollupRange}", 3, fromUtc, toUtc, ct),
            await ReadAsync(connection, transaction, RollupSql.SelectMinutes(rawRange), 3, fromUtc, toUtc, ct), mismatches);
        Compare("rollup_histogram_minute",
            await ReadHistogramsAsync(connection, transaction, $"SELECT minute_utc, vhost, host, histogram FROM rollup_histogram_minute WHERE {rollupRange}", fromUtc, toUtc, ct),
            await ReadHistogramsAsync(connection, transaction, RollupSql.SelectLatency(rawRange), fromUtc, toUtc, ct), mismatches);
        // The by-hour rows of the hours around the range against the sums of those hours' stored minute rows.
        var (fromHour, toHour) = (RollupDelta.HourOf(fromUtc), RollupDelta.HourOf(toUtc.AddTicks(TimeSpan.TicksPerHour - 1)));
        Compare("rollup_histogram_minute_by_hour",
            await ReadHistogramsAsync(connection, transaction, "SELECT hour_utc, vhost, host, histogram FROM rollup_histogram_minute_by_hour WHERE hour_utc >= @from AND hour_utc < @to", fromHour, toHour, ct),
            await ReadHistogramsAsync(connection, transaction, "SELECT CAST(DATE_FORMAT(minute_utc, '%Y-%m-%d %H:00:00') AS DATETIME), vhost, host, histogram FROM rollup_histogram_minute WHERE minute_utc >= @from AND minute_utc < @to", fromHour, toHour, ct),
            mismatches);
        // The whole site's minutes against the sums of their scopes' stored rows (an empty site histogram is none).
        Compare(SiteMinuteTable.Name,
            await ReadAsync(connection, transaction, $"SELECT minute_utc, {SiteMinuteTable.CounterColumns} FROM {SiteMinuteTable.Name} WHERE {rollupRange}", 1, fromUtc, toUtc, ct),
            await ReadAsync(connection, transaction, SiteMinuteTable.SelectSums(rollupRange), 1, fromUtc, toUtc, ct), mismatches);
        Compare(SiteMinuteTable.Name + ".histogram",
            await ReadHistogramsAsync(connection, transaction, $"SELECT minute_utc, '', '', histogram FROM {SiteMinuteTable.Name} WHERE {rollupRange} AND histogram <> X'01'", fromUtc, toUtc, ct),
            await ReadHistogramsAsync(connection, transaction, $"SELECT minute_utc, '', '', histogram FROM rollup_histogram_minute WHERE {rollupRange}", fromUtc, toUtc, ct),
            mismatches);
        await transaction.CommitAsync(ct);
        return mismatches;
    }

    private static void Compare(string table, Dictionary<string, string> stored, Dictionary<string, string> recomputed, List<RollupMismatch> into)
    {
        foreach (var (key, value) in stored)
        {
            recomputed.TryGetValue(key, out var expected);
            if (expected != value) into.Add(new RollupMismatch(table, key, value, expected));
        }
        foreach (var (key, value) in recomputed)
            if (!stored.ContainsKey(key)) into.Add(new RollupMismatch(table, key, null, value));
    }

    // Rows as "key columns" => "value columns" text, so both sides compare regardless of SUM's DECIMAL type.
    private static async Task<Dictionary<string, string>> ReadAsync(MySqlConnection connection, MySqlTransaction transaction, string sql,
        int keyColumns, DateTime fromUtc, DateTime toUtc, CancellationToken ct)
    {
        await using var cmd = new MySqlCommand(sql, connection, transaction);
        cmd.Parameters.AddWithValue("@from", fromUtc);
        cmd.Parameters.AddWithValue("@to", toUtc);
        var rows = new Dictionary<string, string>();
        await RowStream.ReadAsync(cmd, row =>
        {
            var key = string.Join(" | ", Enumerable.Range(0, keyColumns).Select(i => Text(row.GetValue(i))));
            var value = string.Join(" ", Enumerable.Range(keyColumns, row.FieldCount - keyColumns).Select(i => Text(row.GetValue(i))));
            rows[key] = value;
        }, ct);
        return rows;
    }

    /// <summary>
    /// Histograms per key (time | vhost | host) as "bucket:count" text, from packed rows (time, vhost, host, histogram)
    /// or per-bucket rows (time, vhost, host, bucket, count); rows of one key are summed.
    /// </summary>
    private static async Task<Dictionary<string, string>> ReadHistogramsAsync(MySqlConnection connection, MySqlTransaction transaction, string sql,
        DateTime fromUtc, DateTime toUtc, CancellationToken ct)
    {
        await using var cmd = new MySqlCommand(sql, connection, transaction);
        cmd.Parameters.AddWithValue("@from", fromUtc);
        cmd.Parameters.AddWithValue("@to", toUtc);
        var histograms = new Dictionary<string, LatencyCounts>();
        await RowStream.ReadAsync(cmd, row =>
        {
            var key = string.Join(" | ", Enumerable.Range(0, 3).Select(i => Text(row.GetValue(i))));
            var histogram = LatencyCounts.Of(histograms, key);
            if (row.FieldCount == 4) histogram.AddPacked((byte[])row.GetValue(3));
            else histogram.Add(Convert.ToInt32(row.GetValue(3)), Convert.ToInt64(row.GetValue(4)));
        }, ct);
        return histograms.ToDictionary(kv => kv.Key, kv => kv.Value.ToString());
    }

    private static string Text(object value) => value switch
    {
        DateTime t => t.ToString("yyyy-MM-dd HH:mm"),
        IConvertible c when value is not string => c.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
