using System.Globalization;
using Microsoft.Extensions.Logging;
using MySql.Data.MySqlClient;

namespace NginxPulse.Functions.Storage;

/// <summary>
/// Daily RANGE partitions of access_log. New days are split off the partition that currently holds them (normally
/// the MAXVALUE catch-all, which is empty in steady state, so the split is a metadata change); retention drops whole
/// days instead of deleting rows.
/// </summary>
public sealed class PartitionManager
{
    private const string Table = "access_log";
    private static readonly TimeSpan LockTimeout = TimeSpan.FromMinutes(2);

    private readonly MySqlConnectionFactory _connections;
    private readonly ILogger<PartitionManager> _logger;

    public PartitionManager(MySqlConnectionFactory connections, ILogger<PartitionManager> logger)
    {
        _connections = connections;
        _logger = logger;
    }

    /// <summary>A partition of access_log; <see cref="UpperBoundDays"/> is TO_DAYS of its exclusive bound, null for MAXVALUE.</summary>
    public sealed record Partition(string Name, long? UpperBoundDays);

    /// <summary>Partition name for a day: p20261121 holds 2026-11-21 (and, if it is the first, everything older).</summary>
    public static string NameFor(DateOnly day) => "p" + day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>MySQL's TO_DAYS: days since year 0, where DateOnly.DayNumber counts from 0001-01-01.</summary>
    public static long ToDays(DateOnly day) => day.DayNumber + 366L;

    public async Task<IReadOnlyList<Partition>> ListAsync(CancellationToken ct)
    {
        await using var connection = await _connections.OpenAsync(ct);
        return await ListAsync(connection, ct);
    }

    /// <summary>Creates a partition for every day in [from, to] that lacks one; returns the names it created.</summary>
    public async Task<IReadOnlyList<string>> EnsureDailyPartitionsAsync(DateOnly from, DateOnly to, CancellationToken ct)
    {
        if (to < from) throw new ArgumentException($"'to' ({to:yyyy-MM-dd}) is before 'from' ({from:yyyy-MM-dd}).", nameof(to));

        await using var connection = await _connections.OpenAsync(ct);
        await using var partitionLock = await MySqlNamedLock.AcquireAsync(connection, "partitions", LockTimeout, ct);
        var existing = await ListAsync(connection, ct);
        var bounds = existing.Where(p => p.UpperBoundDays is not null).Select(p => p.UpperBoundDays!.Value).ToHashSet();

        // Each missing day is split off the partition whose range currently contains it; days sharing that
        // partition are split in one REORGANIZE so the data in it is copied at most once.
        var splits = new Dictionary<Partition, List<DateOnly>>();
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            var bound = ToDays(day) + 1;
            if (bounds.Contains(bound)) continue;
            var container = existing.First(p => p.UpperBoundDays is null || p.UpperBoundDays > bound);
            if (!splits.TryGetValue(container, out var days)) splits[container] = days = [];
            days.Add(day);
        }

        var created = new List<string>();
        foreach (var (container, days) in splits)
        {
            var parts = days.Select(d => $"PARTITION {NameFor(d)} VALUES LESS THAN ({ToDays(d) + 1})")
                .Append($"PARTITION {container.Name} VALUES LESS THAN ({(container.UpperBoundDays is { } b ? b.ToString(CultureInfo.InvariantCulture) : "MAXVALUE")})");
            var sql = $"ALTER TABLE {Table} REORGANIZE PARTITION {container.Name} INTO ({string.Join(", ", parts)})";
            await using (var cmd = new MySqlCommand(sql, connection) { CommandTimeout = 0 })
                await cmd.RunAsync(ct);
            var names = days.Select(NameFor).ToList();
            _logger.LogInformation("Created access_log partitions {Partitions} by splitting {Container}", names, container.Name);
            created.AddRange(names);
        }

        if (created.Count == 0)
            _logger.LogInformation("access_log already has daily partitions for {From:yyyy-MM-dd}..{To:yyyy-MM-dd}", from, to);
        return created;
    }

    /// <summary>Drops every daily partition whose rows are all before <paramref name="cutoff"/>; returns the names dropped.</summary>
    public async Task<IReadOnlyList<string>> DropPartitionsOlderThanAsync(DateOnly cutoff, CancellationToken ct)
    {
        await using var connection = await _connections.OpenAsync(ct);
        await using var partitionLock = await MySqlNamedLock.AcquireAsync(connection, "partitions", LockTimeout, ct);
        var limit = ToDays(cutoff);
        var doomed = (await ListAsync(connection, ct))
            .Where(p => p.UpperBoundDays is { } bound && bound <= limit)
            .Select(p => p.Name)
            .ToList();
        if (doomed.Count == 0)
        {
            _logger.LogInformation("No access_log partitions older than {Cutoff:yyyy-MM-dd} to drop", cutoff);
            return doomed;
        }

        await using (var cmd = new MySqlCommand($"ALTER TABLE {Table} DROP PARTITION {string.Join(", ", doomed)}", connection) { CommandTimeout = 0 })
            await cmd.RunAsync(ct);
        _logger.LogInformation("Dropped access_log partitions {Partitions} (retention cutoff {Cutoff:yyyy-MM-dd})", doomed, cutoff);
        return doomed;
    }

    private static async Task<List<Partition>> ListAsync(MySqlConnection connection, CancellationToken ct)
    {
        const string sql = """
            SELECT PARTITION_NAME, PARTITION_DESCRIPTION FROM information_schema.PARTITIONS
            WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = @table AND PARTITION_NAME IS NOT NULL
            ORDER BY PARTITION_ORDINAL_POSITION
            """;
        await using var cmd = new MySqlCommand(sql, connection);
        cmd.Parameters.AddWithValue("@table", Table);
        var partitions = new List<Partition>();
        await RowStream.ReadAsync(cmd, row =>
        {
            var description = row.GetString(1);
            partitions.Add(new Partition(row.GetString(0),
                description == "MAXVALUE" ? null : long.Parse(description, CultureInfo.InvariantCulture)));
        }, ct);
        if (partitions.Count == 0)
            throw new InvalidOperationException("access_log is not partitioned; run the schema migrations first.");
        return partitions;
    }
}
