using MySql.Data.MySqlClient;
using NginxPulse.Functions.Storage;

namespace NginxPulse.Functions.Alerts.Evaluation;

/// <summary>Reads what the ingest function has stored: the newest rollup minute per shipper host.</summary>
public sealed class WatermarkReader
{
    private readonly MySqlConnectionFactory _connections;

    public WatermarkReader(MySqlConnectionFactory connections) => _connections = connections;

    public async Task<IReadOnlyDictionary<string, DateTime>> LatestMinuteByHostAsync(DateTime since, CancellationToken ct)
    {
        await using var connection = await _connections.OpenAsync(ct);
        await using var cmd = new MySqlCommand("SELECT host, MAX(minute_utc) FROM rollup_minute WHERE minute_utc >= @since GROUP BY host", connection);
        cmd.Parameters.AddWithValue("@since", since);
        var hosts = new Dictionary<string, DateTime>(StringComparer.Ordinal);
        await RowStream.ReadAsync(cmd, reader => hosts[reader.GetString(0)] = DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc), ct);
        return hosts;
    }
}
