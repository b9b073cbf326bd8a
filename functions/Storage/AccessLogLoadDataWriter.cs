using System.Buffers;
using System.Buffers.Text;
using System.Text;
using MySql.Data.MySqlClient;
using NginxPulse.Functions.Parsing;

namespace NginxPulse.Functions.Storage;

/// <summary>
/// Inserts records into access_log idempotently on (time_utc, id) and returns how many were new, with LOAD DATA LOCAL
/// INFILE ... IGNORE (MySql.Data 8.0.16 loads only from a file, so the batch goes through a temp file, written when the
/// batch is prepared). IGNORE skips rows whose (time_utc, id) exists, and the affected-row count is the number of
/// new rows. IGNORE would also hide bad values, but every value already fits its column: strings are capped by
/// AccessRecordLimits and the numeric columns are as wide as the C# types.
/// The file is declared CHARACTER SET binary so the server copies bytes as they are: the 16-byte id goes in raw
/// (no user variable needed) and the text columns receive the UTF-8 we wrote.
/// </summary>
internal static class AccessLogLoadDataWriter
{
    private static readonly string[] Columns =
    [
        "time_utc", "id", "vhost", "host", "remote_addr", "client_ip", "remote_user", "method", "path", "query", "protocol",
        "raw_request", "status", "body_bytes", "bytes_sent", "request_length", "request_time_ms", "upstream_time_ms",
        "referer", "user_agent", "x_forwarded_for", "ssl_protocol", "flags", "source_file", "source_offset",
    ];

    // The bytes LOAD DATA would read as the end of a field or line, the escape itself, and NUL.
    private static readonly SearchValues<byte> NeedEscape = SearchValues.Create("\\\t\n\r\0"u8);

    /// <summary>Writes the records as a new temp file for <see cref="LoadAsync"/>; the caller deletes it.</summary>
    public static async Task<string> WriteTempFileAsync(IReadOnlyList<AccessRecord> records, CancellationToken ct)
    {
        var file = Path.Combine(Path.GetTempPath(), $"nginxpulse-batch-{Guid.NewGuid():N}.tsv");
        try
        {
            await WriteFileAsync(file, records, ct);
            return file;
        }
        catch
        {
            File.Delete(file);
            throw;
        }
    }

    /// <summary>Loads a file of <see cref="WriteFileAsync"/> in the connection's transaction; returns how many rows were new.</summary>
    public static Task<int> LoadAsync(MySqlConnection connection, string file, CancellationToken ct) => Loader(connection, file).LoadAsync(ct);

    /// <summary>LOAD DATA LOCAL INFILE ... IGNORE of a file written with <see cref="WriteFileAsync"/>.</summary>
    internal static MySqlBulkLoader Loader(MySqlConnection connection, string file)
    {
        // MySql.Data 8.0.16 answers the server's request for a file it cannot open with an exception but never ends the
        // transfer: client and server would then both wait for the file's data for ever (server state "Reading from net").
        if (!File.Exists(file))
            throw new FileNotFoundException($"The LOAD DATA file {file} does not exist: it was deleted before its batch was stored.", file);
        var loader = new MySqlBulkLoader(connection)
        {
            TableName = "access_log", FileName = file, Local = true, CharacterSet = "binary",
            FieldTerminator = "\t", LineTerminator = "\n", EscapeCharacter = '\\',
            ConflictOption = MySqlBulkLoaderConflictOption.Ignore,
        };
        loader.Columns.AddRange(Columns);
        return loader;
    }

    /// <summary>Writes the records as a new file in LOAD DATA's escaped, tab-separated format.</summary>
    internal static async Task WriteFileAsync(string path, IReadOnlyList<AccessRecord> records, CancellationToken ct)
    {
        // A pooled buffer: batches of similar size reuse the same memory instead of allocating megabytes each time.
        var rows = new RowBuffer(records.Count * 512);
        try
        {
            foreach (var r in records) WriteRow(ref rows, r);
            using var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write);
            await RandomAccess.WriteAsync(handle, rows.Written, 0, ct);
        }
        finally
        {
            rows.Dispose();
        }
    }

    private static void WriteRow(ref RowBuffer o, AccessRecord r)
    {
        Time(ref o, r.TimeUtc);
        o.Byte((byte)'\t'); Escaped(ref o, r.Id);
        Text(ref o, r.Vhost); Text(ref o, r.Host); Text(ref o, r.RemoteAddr); Text(ref o, r.ClientIp); Text(ref o, r.RemoteUser);
        Text(ref o, r.Method); Text(ref o, r.Path); Text(ref o, r.Query); Text(ref o, r.Protocol); Text(ref o, r.RawRequest);
        Number(ref o, r.Status); Number(ref o, r.BodyBytes); Number(ref o, r.BytesSent); Number(ref o, r.RequestLength);
        Number(ref o, r.RequestTimeMs); Number(ref o, r.UpstreamTimeMs);
        Text(ref o, r.Referer); Text(ref o, r.UserAgent); Text(ref o, r.XForwardedFor); Text(ref o, r.SslProtocol);
        Number(ref o, (int)r.Flags); Text(ref o, r.SourceFile); Number(ref o, r.SourceOffset);
        o.Byte((byte)'\n');
    }

    // yyyy-MM-dd HH:mm:ss.fff, digit by digit: the format-string path allocates and parses the pattern every row.
    private static void Time(ref RowBuffer o, DateTime t)
    {
        o.Reserve(23);
        var s = o.Free;
        Digits(s[..4], t.Year); s[4] = (byte)'-';
        Digits(s.Slice(5, 2), t.Month); s[7] = (byte)'-';
        Digits(s.Slice(8, 2), t.Day); s[10] = (byte)' ';
        Digits(s.Slice(11, 2), t.Hour); s[13] = (byte)':';
        Digits(s.Slice(14, 2), t.Minute); s[16] = (byte)':';
        Digits(s.Slice(17, 2), t.Second); s[19] = (byte)'.';
        Digits(s.Slice(20, 3), t.Millisecond);
        o.Advance(23);
    }

    private static void Digits(Span<byte> into, int value)
    {
        for (var i = into.Length - 1; i >= 0; i--, value /= 10) into[i] = (byte)('0' + value % 10);
    }

    private static void Number(ref RowBuffer o, long? value)
    {
        o.Reserve(21);
        o.Byte((byte)'\t');
        if (value is not { } v) { Null(ref o); return; }
        Utf8Formatter.TryFormat(v, o.Free, out var n);
        o.Advance(n);
    }

    private static void Null(ref RowBuffer o)
    {
        o.Byte((byte)'\\');
        o.Byte((byte)'N');
    }

    private static void Text(ref RowBuffer o, string? value)
    {
        o.Reserve(1 + 2 * Encoding.UTF8.GetMaxByteCount(value?.Length ?? 1));
        o.Byte((byte)'\t');
        if (value is null) { Null(ref o); return; }
        // Encode in place; only the rare value holding a byte to escape is copied out and written again escaped.
        var free = o.Free;
        var n = Encoding.UTF8.GetBytes(value, free);
        if (free[..n].IndexOfAny(NeedEscape) < 0) { o.Advance(n); return; }
        var copy = ArrayPool<byte>.Shared.Rent(n);
        try
        {
            free[..n].CopyTo(copy);
            Escaped(ref o, copy.AsSpan(0, n));
        }
        finally { ArrayPool<byte>.Shared.Return(copy); }
    }

    // LOAD DATA's escapes for the bytes that would end a field or line, the escape itself and NUL.
    private static void Escaped(ref RowBuffer o, ReadOnlySpan<byte> bytes)
    {
        o.Reserve(bytes.Length * 2);
        var span = o.Free;
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

    /// <summary>A growable byte buffer rented from the shared pool; callers reserve before they write.</summary>
    private struct RowBuffer : IDisposable
    {
        private byte[] _bytes;
        private int _length;

        public RowBuffer(int capacity) => _bytes = ArrayPool<byte>.Shared.Rent(capacity);

        public readonly ReadOnlyMemory<byte> Written => _bytes.AsMemory(0, _length);

        public readonly Span<byte> Free => _bytes.AsSpan(_length);

        public void Reserve(int bytes)
        {
            if (_bytes.Length - _length >= bytes) return;
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_bytes.Length * 2, _length + bytes));
            _bytes.AsSpan(0, _length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_bytes);
            _bytes = larger;
        }

        public void Advance(int bytes) => _length += bytes;

        public void Byte(byte b)
        {
            Reserve(1);
            _bytes[_length++] = b;
        }

        public void Dispose() => ArrayPool<byte>.Shared.Return(_bytes);
    }
}
