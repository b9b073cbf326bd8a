using System.Text.Json;
using MySql.Data.MySqlClient;
using NginxPulse.Functions.Storage;

namespace NginxPulse.Functions.Alerts.Notifications;

/// <summary>alert_outbox: rows are added with a state change and marked delivered (never deleted) once sent.</summary>
public sealed class OutboxStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly MySqlConnectionFactory _connections;

    public OutboxStore(MySqlConnectionFactory connections) => _connections = connections;

    public static async Task InsertAsync(MySqlConnection connection, MySqlTransaction transaction, OutboxEntry entry, DateTime now, CancellationToken ct)
    {
        await using var cmd = new MySqlCommand("""
            INSERT INTO alert_outbox (rule, scope, kind, channel, payload, created_utc, attempts, next_attempt_utc)
            VALUES (@rule, @scope, @kind, @channel, @payload, @now, 0, @now)
            """, connection, transaction);
        cmd.Parameters.AddWithValue("@rule", entry.Rule);
        cmd.Parameters.AddWithValue("@scope", entry.Scope);
        cmd.Parameters.AddWithValue("@kind", entry.Kind);
        cmd.Parameters.AddWithValue("@channel", entry.Channel);
        cmd.Parameters.AddWithValue("@payload", JsonSerializer.Serialize(entry.Notification, Json));
        cmd.Parameters.AddWithValue("@now", now);
        await cmd.RunAsync(ct);
    }

    /// <summary>Undelivered rows whose next attempt is due, oldest first, leaving out the channels given.</summary>
    public async Task<IReadOnlyList<OutboxMessage>> DueAsync(DateTime now, int limit, IReadOnlyCollection<string> skipChannels, CancellationToken ct)
    {
        await using var connection = await _connections.OpenAsync(ct);
        var skip = string.Join(", ", skipChannels.Select((_, i) => "@skip" + i));
        await using var cmd = new MySqlCommand($"""
            SELECT id, channel, attempts, payload FROM alert_outbox
            WHERE delivered_utc IS NULL AND next_attempt_utc <= @now{(skipChannels.Count == 0 ? "" : $" AND channel NOT IN ({skip})")}
            ORDER BY id LIMIT @limit
            """, connection);
        cmd.Parameters.AddWithValue("@now", now);
        cmd.Parameters.AddWithValue("@limit", limit);
        foreach (var (channel, i) in skipChannels.Select((c, i) => (c, i))) cmd.Parameters.AddWithValue("@skip" + i, channel);
        var messages = new List<OutboxMessage>();
        await RowStream.ReadAsync(cmd, reader =>
        {
            var notification = JsonSerializer.Deserialize<AlertNotification>(reader.GetString(3), Json)
                               ?? throw new InvalidDataException($"alert_outbox row {reader.GetInt64(0)} has an empty payload");
            messages.Add(new OutboxMessage(reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2), notification));
        }, ct);
        return messages;
    }

    public async Task MarkDeliveredAsync(long id, DateTime now, CancellationToken ct)
    {
        await using var connection = await _connections.OpenAsync(ct);
        await using var cmd = new MySqlCommand(
            "UPDATE alert_outbox SET delivered_utc = @now, last_attempt_utc = @now, attempts = attempts + 1 WHERE id = @id", connection);
        cmd.Parameters.AddWithValue("@id", id);
        cmd.Parameters.AddWithValue("@now", now);
        await cmd.RunAsync(ct);
    }

    public async Task MarkFailedAsync(long id, string error, DateTime now, DateTime nextAttempt, CancellationToken ct)
    {
        await using var connection = await _connections.OpenAsync(ct);
        await using var cmd = new MySqlCommand("""
            UPDATE alert_outbox SET attempts = attempts + 1, last_attempt_utc = @now, last_error = @error, next_attempt_utc = @next
            WHERE id = @id
            """, connection);
        cmd.Parameters.AddWithValue("@id", id);
        cmd.Parameters.AddWithValue("@now", now);
        cmd.Parameters.AddWithValue("@error", error.Length > 2000 ? error[..2000] : error);
        cmd.Parameters.AddWithValue("@next", nextAttempt);
        await cmd.RunAsync(ct);
    }
}
