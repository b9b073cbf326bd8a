using MySql.Data.MySqlClient;

namespace NginxPulse.Functions.Storage;

/// <summary>
/// A server-wide advisory lock (GET_LOCK) held on one connection, so that only one replica at a time runs
/// schema changes or a timer function. Names are scoped by database so independent schemas on one server do not wait for each other.
/// </summary>
public sealed class MySqlNamedLock : IAsyncDisposable
{
    private readonly MySqlConnection _connection;
    private readonly string _name;

    private MySqlNamedLock(MySqlConnection connection, string name)
    {
        _connection = connection;
        _name = name;
    }

    public static async Task<MySqlNamedLock> AcquireAsync(MySqlConnection connection, string purpose, TimeSpan timeout, CancellationToken ct) =>
        await TryAcquireAsync(connection, purpose, timeout, ct)
        ?? throw new TimeoutException($"Could not acquire the MySQL lock '{LockName(connection.Database, purpose)}' within {timeout.TotalSeconds:0} s; another replica may be stuck holding it.");

    /// <summary>The lock, or null when another session still holds it after <paramref name="timeout"/> (zero: don't wait).</summary>
    public static async Task<MySqlNamedLock?> TryAcquireAsync(MySqlConnection connection, string purpose, TimeSpan timeout, CancellationToken ct)
    {
        var name = LockName(connection.Database, purpose);
        await using var cmd = new MySqlCommand("SELECT GET_LOCK(@name, @timeout)", connection);
        cmd.Parameters.AddWithValue("@name", name);
        cmd.Parameters.AddWithValue("@timeout", (int)Math.Ceiling(timeout.TotalSeconds));
        var result = await cmd.ScalarAsync(ct);
        return result is null or DBNull || Convert.ToInt64(result) != 1 ? null : new MySqlNamedLock(connection, name);
    }

    public async ValueTask DisposeAsync()
    {
        // A broken connection has already released the lock on the server side.
        if (_connection.State != System.Data.ConnectionState.Open) return;
        await using var cmd = new MySqlCommand("SELECT RELEASE_LOCK(@name)", _connection);
        cmd.Parameters.AddWithValue("@name", _name);
        await cmd.ExecuteScalarAsync();
    }

    // GET_LOCK names are limited to 64 characters.
    private static string LockName(string database, string purpose)
    {
        var name = $"nginxpulse.{purpose}.{database}";
        return name.Length <= 64 ? name : name[..64];
    }
}
