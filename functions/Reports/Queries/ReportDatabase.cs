using System.Data.Common;
using Microsoft.Extensions.Options;
using MySql.Data.MySqlClient;
using NginxPulse.Functions.Storage;

namespace NginxPulse.Functions.Reports.Queries;

/// <summary>Runs a report's read-only query with the filter's parameters and a bounded run time.</summary>
public sealed class ReportDatabase(MySqlConnectionFactory connections, IOptions<ReportsOptions> options)
{
    private readonly int _timeoutSeconds = (int)Math.Ceiling(options.Value.QueryTimeout.TotalSeconds);

    public async Task ReadAsync(string sql, ReportFilter filter, Action<DbDataReader> onRow, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        await using var command = new MySqlCommand(sql, connection) { CommandTimeout = _timeoutSeconds };
        foreach (var (name, value) in filter.Values)
            command.Parameters.AddWithValue(name, value);
        await RowStream.ReadAsync(command, onRow, ct);
    }

    /// <summary>A read-only transaction whose statements all see one snapshot, with the report query timeout.</summary>
    public Task<ConsistentSnapshot> SnapshotAsync(CancellationToken ct) => ConsistentSnapshot.BeginAsync(connections, _timeoutSeconds, ct);
}
