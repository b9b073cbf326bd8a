using System.Data;
using MySql.Data.MySqlClient;
using NginxPulse.Functions.Alerts.Notifications;
using NginxPulse.Functions.Alerts.Rules;
using NginxPulse.Functions.Storage;

namespace NginxPulse.Functions.Alerts.State;

/// <summary>
/// alert_state, alert_history and the outbox rows of a decision, written in ONE transaction. The write names the
/// version it read: a concurrent evaluator that moved the state first makes it fail (nothing written, nothing sent).
/// </summary>
public sealed class AlertStateStore
{
    private const int DuplicateKey = 1062;
    private const string Columns = "rule, scope, state, since_utc, value, threshold, severity, incident_notified, last_notified_utc, evaluated_utc, version";

    private readonly MySqlConnectionFactory _connections;

    public AlertStateStore(MySqlConnectionFactory connections) => _connections = connections;

    public async Task<IReadOnlyList<AlertState>> ListAsync(CancellationToken ct)
    {
        await using var connection = await _connections.OpenAsync(ct);
        await using var cmd = new MySqlCommand($"SELECT {Columns} FROM alert_state ORDER BY rule, scope", connection);
        var states = new List<AlertState>();
        await RowStream.ReadAsync(cmd, reader =>
        {
            states.Add(new AlertState(
                reader.GetString(0), reader.GetString(1), AlertStatusText.Parse(reader.GetString(2)), Utc(reader.GetDateTime(3)),
                reader.IsDBNull(4) ? null : reader.GetDouble(4), reader.GetString(5), Enum.Parse<AlertSeverity>(reader.GetString(6), ignoreCase: true),
                reader.GetBoolean(7), reader.IsDBNull(8) ? null : Utc(reader.GetDateTime(8)), Utc(reader.GetDateTime(9)), reader.GetInt64(10)));
        }, ct);
        return states;
    }

    /// <summary>Writes the decision (and its outbox rows); false when another evaluator changed the state since it was read.</summary>
    public async Task<bool> ApplyAsync(AlertDecision decision, bool isNew, IReadOnlyList<OutboxEntry> outbox, DateTime now, CancellationToken ct)
    {
        await using var connection = await _connections.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
        var state = decision.Next;
        var sql = isNew
            ? $"INSERT INTO alert_state ({Columns}) VALUES (@rule, @scope, @state, @since, @value, @threshold, @severity, @notified, @lastNotified, @evaluated, 1)"
            : """
              UPDATE alert_state SET state = @state, since_utc = @since, value = @value, threshold = @threshold, severity = @severity,
                     incident_notified = @notified, last_notified_utc = @lastNotified, evaluated_utc = @evaluated, version = version + 1
              WHERE rule = @rule AND scope = @scope AND version = @version
              """;
        await using (var cmd = new MySqlCommand(sql, connection, transaction))
        {
            cmd.Parameters.AddWithValue("@rule", state.Rule);
            cmd.Parameters.AddWithValue("@scope", state.Scope);
            cmd.Parameters.AddWithValue("@state", AlertStatusText.Of(state.Status));
            cmd.Parameters.AddWithValue("@since", state.SinceUtc);
            cmd.Parameters.AddWithValue("@value", state.Value);
            cmd.Parameters.AddWithValue("@threshold", state.Threshold);
            cmd.Parameters.AddWithValue("@severity", state.Severity.ToString().ToLowerInvariant());
            cmd.Parameters.AddWithValue("@notified", state.IncidentNotified);
            cmd.Parameters.AddWithValue("@lastNotified", state.LastNotifiedUtc);
            cmd.Parameters.AddWithValue("@evaluated", state.EvaluatedUtc);
            cmd.Parameters.AddWithValue("@version", state.Version);
            try
            {
                if (await cmd.RunAsync(ct) != 1)
                {
                    await transaction.RollbackAsync(ct);
                    return false;
                }
            }
            catch (MySqlException e) when (e.Number == DuplicateKey)
            {
                await transaction.RollbackAsync(ct);
                return false;
            }
        }

        if (decision.StatusChanged || decision.Notification is not null || decision.Suppressed)
        {
            await using var history = new MySqlCommand("""
                INSERT INTO alert_history (rule, scope, from_state, to_state, at_utc, value, threshold, notification, silenced, recorded_utc)
                VALUES (@rule, @scope, @from, @to, @at, @value, @threshold, @notification, @silenced, @now)
                """, connection, transaction);
            history.Parameters.AddWithValue("@rule", state.Rule);
            history.Parameters.AddWithValue("@scope", state.Scope);
            history.Parameters.AddWithValue("@from", AlertStatusText.Of(decision.Previous));
            history.Parameters.AddWithValue("@to", AlertStatusText.Of(state.Status));
            history.Parameters.AddWithValue("@at", state.EvaluatedUtc);
            history.Parameters.AddWithValue("@value", state.Value);
            history.Parameters.AddWithValue("@threshold", state.Threshold);
            history.Parameters.AddWithValue("@notification", decision.Notification is { } kind ? AlertStatusText.Of(kind) : null);
            history.Parameters.AddWithValue("@silenced", decision.Suppressed);
            history.Parameters.AddWithValue("@now", now);
            await history.RunAsync(ct);
        }

        foreach (var entry in outbox) await OutboxStore.InsertAsync(connection, transaction, entry, now, ct);
        await transaction.CommitAsync(ct);
        return true;
    }

    public static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);
}
