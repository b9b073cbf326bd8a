using MySql.Data.MySqlClient;
using NginxPulse.Functions.Parsing;

namespace NginxPulse.Functions.Storage;

/// <summary>Inserts records into access_log idempotently on (time_utc, id); returns how many rows were new.</summary>
internal interface IAccessLogRowWriter
{
    Task<int> InsertAsync(MySqlConnection connection, MySqlTransaction transaction, IReadOnlyList<AccessRecord> records, CancellationToken ct);
}
