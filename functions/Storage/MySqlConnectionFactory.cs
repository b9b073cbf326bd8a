using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MySql.Data.MySqlClient;

namespace NginxPulse.Functions.Storage;

/// <summary>
/// The only place connections are opened: it forces the options the storage code depends on and applies the
/// MySql.Data 8.0.16 / MariaDB character-set fix to every connection it hands out.
/// </summary>
public sealed class MySqlConnectionFactory
{
    private readonly string _connectionString;
    private readonly ILogger<MySqlConnectionFactory> _logger;

    public const uint DefaultCommandTimeoutSeconds = 300;

    public MySqlConnectionFactory(IOptions<StorageOptions> options, ILogger<MySqlConnectionFactory> logger)
    {
        _logger = logger;
        var builder = new MySqlConnectionStringBuilder(options.Value.ConnectionString)
        {
            // ON DUPLICATE KEY UPDATE must report 0 for an untouched duplicate so the store can count new rows.
            UseAffectedRows = true,
            // The fix below sets utf8mb4 results; the session must send utf8mb4 too so 4-byte characters survive.
            CharacterSet = "utf8mb4",
            // BINARY(16) record ids must stay byte[]; OldGuids would turn them into Guid.
            OldGuids = false,
            // Records are inserted with LOAD DATA LOCAL INFILE (the benchmark measured it 1.5x faster than
            // multi-row INSERT for whole batches); the server needs local_infile=ON (MariaDB's default, not MySQL 8's)..
            AllowLoadLocalInfile = true,
        };
        // MySql.Data's 30 s default fails a 10000-row batch whose LOAD DATA or rollup recompute waits on a busy
        // server; the batch would then be retried forever. A connection string that sets its own timeout keeps it.
        if (!options.Value.ConnectionString.Contains("command timeout", StringComparison.OrdinalIgnoreCase)
            && !options.Value.ConnectionString.Contains("commandtimeout", StringComparison.OrdinalIgnoreCase))
            builder.DefaultCommandTimeout = DefaultCommandTimeoutSeconds;
        // TLS (SslMode, certificates) is deliberately left as configured: loopback uses None, production may not.
        _connectionString = builder.ConnectionString;
        DatabaseName = builder.Database;
    }

    /// <summary>The schema this factory connects to; named locks are scoped by it.</summary>
    public string DatabaseName { get; }

    /// <summary>
    /// Drops the idle pooled connections. After a server restart they are all dead, and MySql.Data would hand them
    /// out one failure at a time, failing that many redeliveries of a batch.
    /// </summary>
    public void ClearPool()
    {
        using var connection = new MySqlConnection(_connectionString);
        MySqlConnection.ClearPool(connection);
        _logger.LogWarning("Cleared the MySQL connection pool of {Database} after a connection failure", DatabaseName);
    }

    public async Task<MySqlConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new MySqlConnection(_connectionString);
        try
        {
            await connection.OpenAsync(ct);
            // MySql.Data 8.0.16 cannot decode utf8mb3 result columns (MariaDB 10.6+ metadata, SHOW WARNINGS) and
            // throws "Character set 'utf8mb3' is not supported". Run on every open, not only on new physical
            // connections: a pool reset (ConnectionReset=true) would silently undo a once-per-connection fix.
            await using (var fix = new MySqlCommand("SET character_set_results = utf8mb4", connection))
                await fix.RunAsync(ct);
            return connection;
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Opening a MySQL connection to {Database} failed", DatabaseName);
            await connection.DisposeAsync();
            throw;
        }
    }
}
