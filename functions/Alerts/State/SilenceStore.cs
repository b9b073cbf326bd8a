using MySql.Data.MySqlClient;
using NginxPulse.Functions.Storage;

namespace NginxPulse.Functions.Alerts.State;

/// <summary>A silence: null rule or scope matches every rule or scope.</summary>
public sealed record AlertSilence(long Id, string? Rule, string? Scope, DateTime StartsUtc, DateTime EndsUtc, string Comment, string CreatedBy)
{
    public bool Matches(string rule, string scope, DateTime now) =>
        (Rule is null || Rule == rule) && (Scope is null || Scope == scope) && StartsUtc <= now && now < EndsUtc;
}

public sealed class SilenceStore
{
    private const string Columns = "id, rule, scope, starts_utc, ends_utc, comment, created_by";

    private readonly MySqlConnectionFactory _connections;

    public SilenceStore(MySqlConnectionFactory connections) => _connections = connections;

    /// <summary>Silences that have not ended by <paramref name="now"/> (including ones that start later).</summary>
    public async Task<IReadOnlyList<AlertSilence>> CurrentAsync(DateTime now, CancellationToken ct)
    {
        await using var connection = await _connections.OpenAsync(ct);
        await using var cmd = new MySqlCommand($"SELECT {Columns} FROM alert_silence WHERE ends_utc > @now ORDER BY id", connection);
        cmd.Parameters.AddWithValue("@now", now);
        var silences = new List<AlertSilence>();
        await RowStream.ReadAsync(cmd, reader => silences.Add(Read(reader)), ct);
        return silences;
    }

    public async Task<AlertSilence> CreateAsync(string? rule, string? scope, DateTime starts, DateTime ends, string comment, string createdBy, DateTime now, CancellationToken ct)
    {
        await using var connection = await _connections.OpenAsync(ct);
        await using var cmd = new MySqlCommand("""
            INSERT INTO alert_silence (rule, scope, starts_utc, ends_utc, comment, created_by, created_utc)
            VALUES (@rule, @scope, @starts, @ends, @comment, @createdBy, @now)
            """, connection);
        cmd.Parameters.AddWithValue("@rule", rule);
        cmd.Parameters.AddWithValue("@scope", scope);
        cmd.Parameters.AddWithValue("@starts", starts);
        cmd.Parameters.AddWithValue("@ends", ends);
        cmd.Parameters.AddWithValue("@comment", comment);
        cmd.Parameters.AddWithValue("@createdBy", createdBy);
        cmd.Parameters.AddWithValue("@now", now);
        await cmd.RunAsync(ct);
        return new AlertSilence(cmd.LastInsertedId, rule, scope, starts, ends, comment, createdBy);
    }

    /// <summary>Ends a silence now; null when there is no such silence.</summary>
    public async Task<AlertSilence?> ExpireAsync(long id, DateTime now, CancellationToken ct)
    {
        await using var connection = await _connections.OpenAsync(ct);
        await using (var update = new MySqlCommand("UPDATE alert_silence SET ends_utc = @now WHERE id = @id AND ends_utc > @now", connection))
        {
            update.Parameters.AddWithValue("@id", id);
            update.Parameters.AddWithValue("@now", now);
            await update.RunAsync(ct);
        }
        await using var select = new MySqlCommand($"SELECT {Columns} FROM alert_silence WHERE id = @id", connection);
        select.Parameters.AddWithValue("@id", id);
        AlertSilence? silence = null;
        await RowStream.ReadAsync(select, reader => silence = Read(reader), ct);
        return silence;
    }

    private static AlertSilence Read(System.Data.Common.DbDataReader reader) => new(
        reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
        AlertStateStore.Utc(reader.GetDateTime(3)), AlertStateStore.Utc(reader.GetDateTime(4)), reader.GetString(5), reader.GetString(6));
}
