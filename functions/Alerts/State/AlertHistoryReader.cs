using MySql.Data.MySqlClient;
using NginxPulse.Functions.Storage;

namespace NginxPulse.Functions.Alerts.State;

public sealed record AlertHistoryEntry(long Id, string Rule, string Scope, string From, string To, DateTime AtUtc, double? Value,
    string Threshold, string? Notification, bool Silenced);

/// <summary>State changes, newest first.</summary>
public sealed class AlertHistoryReader
{
    private readonly MySqlConnectionFactory _connections;

    public AlertHistoryReader(MySqlConnectionFactory connections) => _connections = connections;

    public async Task<IReadOnlyList<AlertHistoryEntry>> ReadAsync(string? rule, string? scope, DateTime from, DateTime to, int limit, CancellationToken ct)
    {
        await using var connection = await _connections.OpenAsync(ct);
        await using var cmd = new MySqlCommand($"""
            SELECT id, rule, scope, from_state, to_state, at_utc, value, threshold, notification, silenced FROM alert_history
            WHERE at_utc >= @from AND at_utc < @to{(rule is null ? "" : " AND rule = @rule")}{(scope is null ? "" : " AND scope = @scope")}
            ORDER BY id DESC LIMIT @limit
            """, connection);
        cmd.Parameters.AddWithValue("@from", from);
        cmd.Parameters.AddWithValue("@to", to);
        cmd.Parameters.AddWithValue("@rule", rule);
        cmd.Parameters.AddWithValue("@scope", scope);
        cmd.Parameters.AddWithValue("@limit", limit);
        var entries = new List<AlertHistoryEntry>();
        await RowStream.ReadAsync(cmd, reader =>
        {
            entries.Add(new AlertHistoryEntry(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                AlertStateStore.Utc(reader.GetDateTime(5)), reader.IsDBNull(6) ? null : reader.GetDouble(6), reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetString(8), reader.GetBoolean(9)));
        }, ct);
        return entries;
    }
}
