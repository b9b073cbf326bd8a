using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using MySql.Data.MySqlClient;

namespace NginxPulse.Functions.Storage;

/// <summary>
/// Applies the embedded Migrations/NNNN_name.sql scripts that schema_migrations does not list yet. Replicas starting
/// together serialize on a named lock, and every script is written to be re-runnable (IF NOT EXISTS) because
/// MySQL DDL commits implicitly: a crash between a script and its ledger row must not wedge the next start.
/// </summary>
public sealed class SchemaMigrator
{
    private const string ResourcePrefix = "NginxPulse.Migrations.";
    private static readonly TimeSpan LockTimeout = TimeSpan.FromMinutes(2);

    // What some migrations need after their script and SQL cannot do (e.g. summing packed histograms). Re-runnable like
    // the scripts: both run again when a crash came before the ledger row.
    private static readonly IReadOnlyDictionary<int, Func<MySqlConnection, CancellationToken, Task>> CodeSteps =
        new Dictionary<int, Func<MySqlConnection, CancellationToken, Task>>
    {
        [SiteMinuteBackfill.MigrationVersion] = SiteMinuteBackfill.RunAsync,
        [DayFiveMinuteColumns.SiteMigrationVersion] = DayFiveMinuteColumns.AddToSiteAsync,
        [SliceValueKeyIndex.MigrationVersion] = SliceValueKeyIndex.RunAsync,
        [DayFiveMinuteColumns.ScopesMigrationVersion] = DayFiveMinuteColumns.AddToScopesAsync,
    };

    // Scripts rewritten after they shipped without changing the schema they make, with the checksums of their first
    // texts: a ledger carrying one of those is not an edited migration. 0054 added its columns with ADD COLUMN IF NOT
    // EXISTS, which MySQL 8 rejects; its code step adds them now.
    private static readonly IReadOnlyDictionary<int, string> FirstChecksums = new Dictionary<int, string>
    {
        [DayFiveMinuteColumns.SiteMigrationVersion] = "fea47c40b52b733d15a83512d0dab21b60a4253ebffca950d61f428281b45ba0",
    };

    private readonly MySqlConnectionFactory _connections;
    private readonly ILogger<SchemaMigrator> _logger;

    public SchemaMigrator(MySqlConnectionFactory connections, ILogger<SchemaMigrator> logger)
    {
        _connections = connections;
        _logger = logger;
    }

    public sealed record Migration(int Version, string Name, string Sql, string Checksum);

    /// <summary>The embedded scripts in version order.</summary>
    public static IReadOnlyList<Migration> Embedded()
    {
        var assembly = typeof(SchemaMigrator).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => Load(assembly, n))
            .OrderBy(m => m.Version)
            .ToList();
    }

    /// <summary>Applies what is missing; returns the versions applied by this call (empty when up to date).</summary>
    public async Task<IReadOnlyList<int>> MigrateAsync(CancellationToken ct)
    {
        await using var connection = await _connections.OpenAsync(ct);
        await using var migrationLock = await MySqlNamedLock.AcquireAsync(connection, "migrate", LockTimeout, ct);

        await ExecuteAsync(connection, """
            CREATE TABLE IF NOT EXISTS schema_migrations (
              version      INT          NOT NULL PRIMARY KEY,
              name         VARCHAR(255) NOT NULL,
              checksum     CHAR(64)     NOT NULL,
              applied_utc  DATETIME(3)  NOT NULL
            ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4
            """, ct);

        var applied = await AppliedAsync(connection, ct);
        var done = new List<int>();
        foreach (var migration in Embedded())
        {
            if (applied.TryGetValue(migration.Version, out var checksum))
            {
                if (checksum != migration.Checksum && FirstChecksums.GetValueOrDefault(migration.Version) != checksum)
                    throw new InvalidOperationException(
                        $"Migration {migration.Name} was edited after it was applied (checksum {checksum} in schema_migrations, {migration.Checksum} embedded). Add a new migration instead.");
                continue;
            }

            _logger.LogInformation("Applying migration {Version} {Name} to {Database}", migration.Version, migration.Name, _connections.DatabaseName);
            await ExecuteAsync(connection, migration.Sql, ct);
            if (CodeSteps.TryGetValue(migration.Version, out var step)) await step(connection, ct);
            await using (var record = new MySqlCommand(
                "INSERT INTO schema_migrations (version, name, checksum, applied_utc) VALUES (@v, @n, @c, UTC_TIMESTAMP(3))", connection))
            {
                record.Parameters.AddWithValue("@v", migration.Version);
                record.Parameters.AddWithValue("@n", migration.Name);
                record.Parameters.AddWithValue("@c", migration.Checksum);
                await record.RunAsync(ct);
            }
            done.Add(migration.Version);
        }

        if (done.Count == 0)
            _logger.LogInformation("Schema of {Database} is up to date", _connections.DatabaseName);
        return done;
    }

    private static async Task<Dictionary<int, string>> AppliedAsync(MySqlConnection connection, CancellationToken ct)
    {
        var applied = new Dictionary<int, string>();
        await using var cmd = new MySqlCommand("SELECT version, checksum FROM schema_migrations", connection);
        await RowStream.ReadAsync(cmd, row => applied[row.GetInt32(0)] = row.GetString(1), ct);
        return applied;
    }

    private static async Task ExecuteAsync(MySqlConnection connection, string sql, CancellationToken ct)
    {
        await using var cmd = new MySqlCommand(sql, connection) { CommandTimeout = 0 };
        await cmd.RunAsync(ct);
    }

    private static Migration Load(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded migration {resource} cannot be read.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var sql = reader.ReadToEnd();
        var name = resource[ResourcePrefix.Length..^".sql".Length];
        var underscore = name.IndexOf('_');
        if (underscore <= 0 || !int.TryParse(name.AsSpan(0, underscore), out var version))
            throw new InvalidOperationException($"Embedded migration {resource} must be named NNNN_description.sql.");
        // Line endings are normalised so a checkout with CRLF does not look like an edited migration.
        var checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql.ReplaceLineEndings("\n"))));
        return new Migration(version, name, sql, checksum);
    }
}
