using MySql.Data.MySqlClient;
using NginxPulse.Functions.Reports.Slices;

namespace NginxPulse.Functions.Storage;

/// <summary>
/// The day sets' 5-minute bit columns (<see cref="DayFiveMinutes"/>), added when missing: migration 0054's code step for
/// the site's (day_site_clients), 0057's for the scopes' (day_clients).
/// </summary>
internal static class DayFiveMinuteColumns
{
    public const int SiteMigrationVersion = 54;
    public const int ScopesMigrationVersion = 57;

    public static Task AddToSiteAsync(MySqlConnection connection, CancellationToken ct) => AddAsync(connection, "day_site_clients", ct);

    public static Task AddToScopesAsync(MySqlConnection connection, CancellationToken ct) => AddAsync(connection, "day_clients", ct);

    private static Task AddAsync(MySqlConnection connection, string table, CancellationToken ct) => SchemaAdditions.AddColumnsAsync(
        connection, table, [.. DayFiveMinutes.Names.Select(n => (n, "BIGINT UNSIGNED NOT NULL DEFAULT 0"))], ct);
}
