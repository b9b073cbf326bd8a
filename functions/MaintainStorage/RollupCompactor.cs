using System.Data;
using System.Globalization;
using Microsoft.Extensions.Logging;
using MySql.Data.MySqlClient;
using NginxPulse.Functions.Storage;

namespace NginxPulse.Functions.MaintainStorage;

/// <summary>
/// Moves minute rollups older than a cutoff into hourly rollups, one day per transaction: the hourly rows are
/// upserted by adding (so a minute that arrives after its hour was compacted is added on the next run) and the
/// minute rows deleted in the same transaction, so totals never change and a repeat finds nothing to do.
/// </summary>
public sealed class RollupCompactor
{
    private const string Hour = "CAST(DATE_FORMAT(minute_utc, '%Y-%m-%d %H:00:00') AS DATETIME)";
    private static readonly string[] Sums =
        ["requests", "bytes", "status_1xx", "status_2xx", "status_3xx", "status_4xx", "status_5xx", "status_other", "bot_requests", "latency_count", "latency_sum_ms"];

    private static readonly HistogramTable HourHistograms = new("rollup_histogram_hour", "hour_utc");

    private readonly MySqlConnectionFactory _connections;
    private readonly ILogger<RollupCompactor> _logger;

    public RollupCompactor(MySqlConnectionFactory connections, ILogger<RollupCompactor> logger)
    {
        _connections = connections;
        _logger = logger;
    }

    /// <summary>Compacts every minute before <paramref name="cutoff"/> (an hour boundary); returns the minute rows moved.</summary>
    public async Task<long> CompactBeforeAsync(DateTime cutoff, CancellationToken ct)
    {
        if (cutoff.Ticks % TimeSpan.TicksPerHour != 0) throw new ArgumentException("The cutoff must be an hour boundary.", nameof(cutoff));
        long moved = 0;
        while (await OldestMinuteAsync(cutoff, ct) is { } oldest)
        {
            var end = oldest.Date.AddDays(1) < cutoff ? oldest.Date.AddDays(1) : cutoff;
            moved += await CompactAsync(oldest.Date, end, ct);
        }
        if (moved == 0) _logger.LogInformation("No minute rollups before {Cutoff:o} to compact", cutoff);
        return moved;
    }

    private async Task<DateTime?> OldestMinuteAsync(DateTime cutoff, CancellationToken ct)
    {
        await using var connection = await _connections.OpenAsync(ct);
        await using var cmd = new MySqlCommand("SELECT MIN(minute_utc) FROM rollup_minute WHERE minute_utc < @cutoff", connection);
        cmd.Parameters.AddWithValue("@cutoff", cutoff);
        return await cmd.ScalarAsync(ct) is DateTime oldest ? DateTime.SpecifyKind(oldest, DateTimeKind.Utc) : null;
    }

    private async Task<long> CompactAsync(DateTime from, DateTime to, CancellationToken ct)
    {
        await using var connection = await _connections.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        var sums = string.Join(", ", Sums.Select(c => $"SUM({c})"));
        var adds = string.Join(", ", Sums.Select(c => $"{c} = {c} + VALUES({c})"));
        var range = "minute_utc >= @from AND minute_utc < @to";
        await ExecuteAsync($"""
            INSERT INTO rollup_hour (hour_utc, vhost, host, {string.Join(", ", Sums)})
            SELECT {Hour}, vhost, host, {sums} FROM rollup_minute WHERE {range} GROUP BY 1, vhost, host
            ON DUPLICATE KEY UPDATE {adds}
            """);
        await CompactHistogramsAsync(connection, transaction, from, to, ct);
        await ExecuteAsync($"DELETE FROM rollup_histogram_minute WHERE {range}");
        // Those minutes now live in rollup_histogram_hour; the store keeps this table for minutes still stored.
        await ExecuteAsync("DELETE FROM rollup_histogram_minute_by_hour WHERE hour_utc >= @from AND hour_utc < @to");
        var moved = await ExecuteAsync($"DELETE FROM rollup_minute WHERE {range}");
        // The whole site's sums of those minutes: rollup_hour answers for them from now on.
        await ExecuteAsync($"DELETE FROM {SiteMinuteTable.Name} WHERE {range}");
        await transaction.CommitAsync(ct);
        _logger.LogInformation("Compacted {Rows} minute rollup rows from {From:o} to {To:o} into hourly rollups", moved, from, to);
        return moved;

        async Task<int> ExecuteAsync(string sql)
        {
            await using var cmd = new MySqlCommand(sql, connection, transaction) { CommandTimeout = 0 };
            cmd.Parameters.AddWithValue("@from", from);
            cmd.Parameters.AddWithValue("@to", to);
            return await cmd.RunAsync(ct);
        }
    }

    /// <summary>
    /// Adds the minute histograms of [from, to) to their hours' rows in rollup_histogram_hour: both read with locks,
    /// summed here (a packed histogram cannot be added in SQL), written back in the same transaction.
    /// </summary>
    private static async Task CompactHistogramsAsync(MySqlConnection connection, MySqlTransaction transaction, DateTime from, DateTime to, CancellationToken ct)
    {
        var hours = new Dictionary<RollupKey, LatencyCounts>(StoredRollupKeyComparer.Instance);
        var read = new StatementBatch(connection, transaction);
        read.Sql("SELECT minute_utc, vhost, host, histogram FROM rollup_histogram_minute WHERE ").Sql(Range("minute_utc")).Sql(" FOR UPDATE").End();
        read.Sql("SELECT hour_utc, vhost, host, histogram FROM rollup_histogram_hour WHERE ").Sql(Range("hour_utc")).Sql(" FOR UPDATE").End();
        var stored = new List<(RollupKey Key, byte[] Histogram)>();
        await read.ReadAsync((resultSet, row) =>
        {
            var time = DateTime.SpecifyKind(row.GetDateTime(0), DateTimeKind.Utc);
            var key = new RollupKey(new DateTime(time.Ticks - time.Ticks % TimeSpan.TicksPerHour, DateTimeKind.Utc), row.GetString(1), row.GetString(2));
            var histogram = (byte[])row.GetValue(3);
            if (resultSet == 1)
            {
                stored.Add((key, histogram));
                return;
            }
            LatencyCounts.Of(hours, key).AddPacked(histogram);
        }, ct);
        // Only the hours that gain minutes are rewritten.
        foreach (var (key, histogram) in stored)
            if (hours.TryGetValue(key, out var sum)) sum.AddPacked(histogram);
        if (hours.Count == 0) return;
        var writes = new StatementBatch(connection, transaction);
        HourHistograms.AppendWrite(writes, hours);
        await writes.ExecuteAsync(ct);

        string Range(string column) => string.Create(CultureInfo.InvariantCulture,
            $"{column} >= '{from:yyyy-MM-dd HH:mm:ss}' AND {column} < '{to:yyyy-MM-dd HH:mm:ss}'");
    }
}
