using System.Data.Common;
using MySql.Data.MySqlClient;

namespace NginxPulse.Functions.Storage;

/// <summary>
/// A read-only REPEATABLE READ transaction started WITH CONSISTENT SNAPSHOT on its own connection: every statement
/// read through it sees the same committed data, whatever commits meanwhile.
/// </summary>
public sealed class ConsistentSnapshot : IAsyncDisposable
{
    private readonly MySqlConnection _connection;
    private readonly int _timeoutSeconds;

    private ConsistentSnapshot(MySqlConnection connection, int timeoutSeconds)
    {
        _connection = connection;
        _timeoutSeconds = timeoutSeconds;
    }

    /// <param name="timeoutSeconds">Each statement's command timeout.</param>
    public static async Task<ConsistentSnapshot> BeginAsync(MySqlConnectionFactory connections, int timeoutSeconds, CancellationToken ct)
    {
        var connection = await connections.OpenAsync(ct);
        try
        {
            // SET TRANSACTION without SESSION applies to the next transaction only, so the pooled connection keeps its default.
            await using var cmd = new MySqlCommand(
                "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ; START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY", connection);
            await cmd.RunAsync(ct);
            return new ConsistentSnapshot(connection, timeoutSeconds);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async Task ReadAsync(string sql, IEnumerable<KeyValuePair<string, object>> parameters, Action<DbDataReader> onRow, CancellationToken ct)
    {
        await using var command = new MySqlCommand(sql, _connection) { CommandTimeout = _timeoutSeconds };
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        await RowStream.ReadAsync(command, onRow, ct);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_connection.State == System.Data.ConnectionState.Open)
            {
                await using var cmd = new MySqlCommand("COMMIT", _connection);
                await cmd.ExecuteNonQueryAsync();
            }
        }
        finally
        {
            await _connection.DisposeAsync();
        }
    }
}
