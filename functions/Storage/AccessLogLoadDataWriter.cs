using System.Buffers;
using System.Buffers.Text;
using System.Text;
using MySql.Data.MySqlClient;
using NginxPulse.Functions.Parsing;

namespace NginxPulse.Functions.Storage;

/// <summary>
/// Inserts records into access_log idempotently on (time_utc, id) and returns how many were new, with LOAD DATA LOCAL INFILE ... IGNORE (MySql.Data 8.0.16 loads only from a file, so the batch goes
/// through a temp file). IGNORE skips rows whose (time_utc, id) exists, and the affected-row count is the number of
/// new rows. IGNORE would also hide bad values, but every value already fits its column: strings are capped by
/// AccessRecordLimits and the numeric columns are as wide as the C# types.
/// The file is declared CHARACTER SET binary so the server copies bytes as they are: the 16-byte id goes in raw
/// (no user variable needed) and the text columns receive the UTF-8 we wrote.
/// </summary>
internal sealed class AccessLogLoadDataWriter
{
    private static readonly string[] Columns =
    [
        "time_utc", "id", "vhost", "host", "remote_addr", "client_ip", "remote_user", "method", "path", "query", "protocol",
        "raw_request", "status", "body_bytes", "bytes_sent", "request_length", "request_time_ms", "upstream_time_ms",
        "referer", "user_agent", "x_forwarded_for", "ssl_protocol", "flags", "source_file", "source_offset",
    ];

    public async Task<int> InsertAsync(MySqlConnection connection, MySqlTransaction transaction, IReadOnlyList<AccessRecord> records, CancellationToken ct)
    {
        if (records.Count == 0) return 0;
        var file = Path.Combine(Path.GetTempPath(), $"nginxpulse-batch-{Guid.NewGuid():N}.tsv");
        try
        {
            var buffer = new ArrayBufferWriter<byte>(records.Count * 512);
            foreach (var r in records) WriteRow(buffer, r);
            await File.WriteAllBytesAsync(file, buffer.WrittenMemory.ToArray(), ct);

            return await Loader(connection, file).LoadAsync(ct);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>LOAD DATA LOCAL INFILE ... IGNORE of a file written with <see cref="WriteRow"/>.</summary>
    internal static MySqlBulkLoader Loader(MySqlConnection connection, string file)
    {
        var loader = new MySqlBulkLoader(connection)
        {
            TableName = "access_log", FileName = file, Local = true, CharacterSet = "binary",
            FieldTerminator = "\t", LineTerminator = "\n", EscapeCharacter = '\\',
            ConflictOption = MySqlBulkLoaderConflictOption.Ignore,
        };
        loader.Columns.AddRange(Columns);
        return loader;
    }

    internal static void WriteRow(ArrayBufferWriter<byte> o, AccessRecord r)
    {
        Ascii(o, r.TimeUtc.ToString("yyyy-MM-dd HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture));
        Tab(o); Escaped(o, r.Id);
        Text(o, r.Vhost); Text(o, r.Host); Text(o, r.RemoteAddr); Text(o, r.ClientIp); Text(o, r.RemoteUser);
        Text(o, r.Method); Text(o, r.Path); Text(o, r.Query); Text(o, r.Protocol); Text(o, r.RawRequest);
        Number(o, r.Status); Number(o, r.BodyBytes); Number(o, r.BytesSent); Number(o, r.RequestLength);
        Number(o, r.RequestTimeMs); Number(o, r.UpstreamTimeMs);
        Text(o, r.Referer); Text(o, r.UserAgent); Text(o, r.XForwardedFor); Text(o, r.SslProtocol);
        Number(o, (int)r.Flags); Text(o, r.SourceFile); Number(o, r.SourceOffset);
        o.GetSpan(1)[0] = (byte)'\n';
        o.Advance(1);
    }

    private static void Tab(ArrayBufferWriter<byte> o)
    {
        o.GetSpan(1)[0] = (byte)'\t';
        o.Advance(1);
    }

    private static void Null(ArrayBufferWriter<byte> o) => Ascii(o, "\\N");

    private static void Ascii(ArrayBufferWriter<byte> o, string s)
    {
        var n = Encoding.ASCII.GetBytes(s, o.GetSpan(s.Length));
        o.Advance(n);
    }

    private static void Number(ArrayBufferWriter<byte> o, long? value)
    {
        Tab(o);
        if (value is not { } v) { Null(o); return; }
        Utf8Formatter.TryFormat(v, o.GetSpan(20), out var n);
        o.Advance(n);
    }

    private static void Text(ArrayBufferWriter<byte> o, string? value)
    {
        Tab(o);
        if (value is null) { Null(o); return; }
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        var rented = ArrayPool<byte>.Shared.Rent(max);
        try
        {
            var n = Encoding.UTF8.GetBytes(value, rented);
            Escaped(o, rented.AsSpan(0, n));
        }
        finally { ArrayPool<byte>.Shared.Return(rented); }
    }

    // LOAD DATA's escapes for the bytes that would end a field or line, the escape itself and NUL.
    private static void Escaped(ArrayBufferWriter<byte> o, ReadOnlySpan<byte> bytes)
    {
        var span = o.GetSpan(bytes.Length * 2);
        var w = 0;
        foreach (var b in bytes)
        {
            switch (b)
            {
                case (byte)'\\': span[w++] = (byte)'\\'; span[w++] = (byte)'\\'; break;
                case (byte)'\t': span[w++] = (byte)'\\'; span[w++] = (byte)'t'; break;
                case (byte)'\n': span[w++] = (byte)'\\'; span[w++] = (byte)'n'; break;
                case (byte)'\r': span[w++] = (byte)'\\'; span[w++] = (byte)'r'; break;
                case 0: span[w++] = (byte)'\\'; span[w++] = (byte)'0'; break;
                default: span[w++] = b; break;
            }
        }
        o.Advance(w);
    }
}
