using MySql.Data.MySqlClient;

namespace NginxPulse.Functions.Storage;

/// <summary>
/// Columns and indexes a migration adds to an existing table, added only when information_schema does not list them
/// yet. MySQL 8 has no <c>ADD COLUMN IF NOT EXISTS</c> or <c>ADD INDEX IF NOT EXISTS</c> (MariaDB has both), so these
/// additions are a migration's code step: re-runnable on both servers after a crash before the ledger row.
/// </summary>
internal static class SchemaAdditions
{
    public static async Task AddColumnsAsync(
        MySqlConnection connection, string table, IReadOnlyList<(string Name, string Definition)> columns, CancellationToken ct)
    {
        var existing = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        await using (var list = new MySqlCommand(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = @table", connection))
        {
            list.Parameters.AddWithValue("@table", table);
            await RowStream.ReadAsync(list, row => existing.Add(row.GetString(0)), ct);
        }
        var missing = columns.Where(c => !existing.Contains(c.Name)).Select(c => $"ADD COLUMN {c.Name} {c.Definition}").ToList();
        if (missing.Count > 0) await AlterAsync(connection, table, string.Join(", ", missing), ct);
    }

    public static async Task AddIndexAsync(MySqlConnection connection, string table, string name, string columns, CancellationToken ct)
    {
        await using (var exists = new MySqlCommand("""
            SELECT COUNT(*) FROM information_schema.statistics
            WHERE table_schema = DATABASE() AND table_name = @table AND index_name = @name
            """, connection))
        {
            exists.Parameters.AddWithValue("@table", table);
            exists.Parameters.AddWithValue("@name", name);
            if (Convert.ToInt64(await exists.ScalarAsync(ct)) > 0) return;
        }
        await AlterAsync(connection, table, $"ADD INDEX {name} ({columns})", ct);
    }

    private static async Task AlterAsync(MySqlConnection connection, string table, string changes, CancellationToken ct)
    {
        await using var alter = new MySqlCommand($"ALTER TABLE {table} {changes}", connection) { CommandTimeout = 0 };
        await alter.RunAsync(ct);
    }
}
