using MySql.Data.MySqlClient;

namespace NginxPulse.Functions.Storage;

/// <summary>
/// Migration 0055's index on report_slice_value by value key, added only when missing (MySQL 8 has no ADD INDEX IF NOT
/// EXISTS), so a re-run after a crash before the ledger row does nothing.
/// </summary>
internal static class SliceValueKeyIndex
{
    public const int MigrationVersion = 55;
    public const string Name = "report_slice_value_key";

    public static async Task RunAsync(MySqlConnection connection, CancellationToken ct)
    {
        await using (var exists = new MySqlCommand($"""
            SELECT COUNT(*) FROM information_schema.statistics
            WHERE table_schema = DATABASE() AND table_name = 'report_slice_value' AND index_name = '{Name}'
            """, connection))
        {
            if (Convert.ToInt64(await exists.ScalarAsync(ct)) > 0) return;
        }
        await using var add = new MySqlCommand(
            $"ALTER TABLE report_slice_value ADD INDEX {Name} (dimension, span_minutes, scope, vhost, host, value_hash, slice_utc)", connection) { CommandTimeout = 0 };
        await add.RunAsync(ct);
    }
}
