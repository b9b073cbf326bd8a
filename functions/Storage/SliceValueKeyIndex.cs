using MySql.Data.MySqlClient;

namespace NginxPulse.Functions.Storage;

/// <summary>Migration 0055's code step: the index on report_slice_value by value key, added when missing.</summary>
internal static class SliceValueKeyIndex
{
    public const int MigrationVersion = 55;
    public const string Name = "report_slice_value_key";

    public static Task RunAsync(MySqlConnection connection, CancellationToken ct) => SchemaAdditions.AddIndexAsync(
        connection, "report_slice_value", Name, "dimension, span_minutes, scope, vhost, host, value_hash, slice_utc", ct);
}
