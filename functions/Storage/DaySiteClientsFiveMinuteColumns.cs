using MySql.Data.MySqlClient;
using NginxPulse.Functions.Reports.Slices;

namespace NginxPulse.Functions.Storage;

/// <summary>Migration 0054's code step: the site day sets' 5-minute bit columns (<see cref="DayFiveMinutes"/>), added when missing.</summary>
internal static class DaySiteClientsFiveMinuteColumns
{
    public const int MigrationVersion = 54;

    public static Task RunAsync(MySqlConnection connection, CancellationToken ct) => SchemaAdditions.AddColumnsAsync(
        connection, "day_site_clients", [.. DayFiveMinutes.Names.Select(n => (n, "BIGINT UNSIGNED NOT NULL DEFAULT 0"))], ct);
}
