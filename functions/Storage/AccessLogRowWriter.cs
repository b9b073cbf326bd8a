using MySql.Data.MySqlClient;
using NginxPulse.Functions.Parsing;

namespace NginxPulse.Functions.Storage;

/// <summary>
/// Inserts records into access_log idempotently on (time_utc, id): a row already present is left untouched and,
/// with UseAffectedRows, counts 0, so the return value is the number of genuinely new rows.
/// </summary>
internal sealed class AccessLogRowWriter : IAccessLogRowWriter
{
    private const int RowsPerStatement = 500;

    private static readonly MultiRowInsert<AccessRecord> Insert = new("access_log",
    [
        ("time_utc", r => r.TimeUtc),
        ("id", r => r.Id),
        ("vhost", r => r.Vhost),
        ("host", r => r.Host),
        ("remote_addr", r => r.RemoteAddr),
        ("client_ip", r => r.ClientIp),
        ("remote_user", r => r.RemoteUser),
        ("method", r => r.Method),
        ("path", r => r.Path),
        ("query", r => r.Query),
        ("protocol", r => r.Protocol),
        ("raw_request", r => r.RawRequest),
        ("status", r => r.Status),
        ("body_bytes", r => r.BodyBytes),
        ("bytes_sent", r => r.BytesSent),
        ("request_length", r => r.RequestLength),
        ("request_time_ms", r => r.RequestTimeMs),
        ("upstream_time_ms", r => r.UpstreamTimeMs),
        ("referer", r => r.Referer),
        ("user_agent", r => r.UserAgent),
        ("x_forwarded_for", r => r.XForwardedFor),
        ("ssl_protocol", r => r.SslProtocol),
        ("flags", r => (int)r.Flags),
        ("source_file", r => r.SourceFile),
        ("source_offset", r => r.SourceOffset),
    ],
    // A no-op update rather than INSERT IGNORE: IGNORE would also turn real errors (bad values) into warnings.
    "ON DUPLICATE KEY UPDATE id = id");

    public async Task<int> InsertAsync(MySqlConnection connection, MySqlTransaction transaction, IReadOnlyList<AccessRecord> records, CancellationToken ct) =>
        (int)await Insert.ExecuteAsync(connection, transaction, records, RowsPerStatement, ct);
}
