using System.Buffers;
using System.Text;

namespace NginxPulse.Functions.Parsing;

/// <summary>
/// Parses one access-log line with the first of several log_formats that matches it completely. Not thread-safe:
/// it reuses a scratch buffer, so use one instance per batch or thread.
/// </summary>
public sealed class AccessLogParser
{
    private (int Start, int Length)[] values = new (int, int)[64];

    /// <summary>Parses into <paramref name="record"/>; on failure returns false with the reason of the closest format.</summary>
    public bool TryParse(ReadOnlySpan<byte> line, IReadOnlyList<LogFormat> formats, AccessRecord record, out string? error, out LogFormat? matched)
    {
        error = null;
        matched = null;
        var bestPosition = -1;
        foreach (var format in formats)
        {
            if (values.Length < format.Segments.Count) values = new (int, int)[format.Segments.Count];
            if (!LineMatcher.TryMatch(format, line, values, out var failure))
            {
                // Report the format that got furthest into the line: its reason is the one a user can act on.
                if (failure.Position > bestPosition) { bestPosition = failure.Position; error = failure.Describe(format, line.Length); }
                continue;
            }
            var invalid = Populate(format, line, record, out var position);
            if (invalid is null) { matched = format; error = null; return true; }
            if (position > bestPosition) { bestPosition = position; error = $"log_format '{format.Name}': {invalid}"; }
        }
        error ??= "no log_format configured";
        return false;
    }

    private string? Populate(LogFormat format, ReadOnlySpan<byte> line, AccessRecord r, out int position)
    {
        Reset(r);
        position = 0;
        var mode = format.Escape;
        var flags = RecordFlags.None;
        ReadOnlySpan<byte> request = default, method = default, uri = default, args = default, protocol = default;
        bool hasRequest = false, hasUri = false, hasArgs = false;
        string? host = null, httpHost = null, serverName = null;
        var segments = format.Segments;
        for (var i = 0; i < segments.Count; i++)
        {
            var seg = segments[i];
            if (seg.IsLiteral || seg.Variable == LogVariable.Other) continue;
            var (start, length) = values[i];
            var v = line.Slice(start, length);
            position = start;
            switch (seg.Variable)
            {
                case LogVariable.RemoteAddr: r.RemoteAddr = FieldText.Decode(v, mode, ref flags) ?? ""; break;
                case LogVariable.RemoteUser: r.RemoteUser = FieldText.Decode(v, mode, ref flags); break;
                case LogVariable.RealIpRemoteAddr: break;
                case LogVariable.TimeLocal:
                    if (!NginxTime.TryParseLocal(v, out var tl)) return Invalid("$time_local", v);
                    if (r.TimeUtc == default) r.TimeUtc = tl;
                    break;
                case LogVariable.TimeIso8601:
                    if (!NginxTime.TryParseIso8601(v, out var ti)) return Invalid("$time_iso8601", v);
                    if (r.TimeUtc == default) r.TimeUtc = ti;
                    break;
                case LogVariable.Msec:
                    // $msec has millisecond precision; it wins over the second-resolution variables.
                    if (!NginxTime.TryParseMsec(v, out var tm)) return Invalid("$msec", v);
                    r.TimeUtc = tm;
                    break;
                case LogVariable.Request: request = v; hasRequest = true; break;
                case LogVariable.RequestMethod: method = v; break;
                case LogVariable.RequestUri: uri = v; hasUri = true; break;
                case LogVariable.Uri: if (!hasUri) uri = v; break;
                case LogVariable.Args: args = v; hasArgs = true; break;
                case LogVariable.ServerProtocol: protocol = v; break;
                case LogVariable.Status:
                    if (!Numbers.TryParseLong(v, out var status) || status is < 100 or > 599) return Invalid("$status", v);
                    r.Status = (int)status;
                    break;
                case LogVariable.BodyBytesSent:
                    if (IsDash(v)) break; // Apache %b writes "-" for zero bytes
                    if (!Numbers.TryParseLong(v, out var body)) return Invalid("$body_bytes_sent", v);
                    r.BodyBytes = body;
                    break;
                case LogVariable.BytesSent:
                    if (IsDash(v)) break;
                    if (!Numbers.TryParseLong(v, out var sent)) return Invalid("$bytes_sent", v);
                    r.BytesSent = sent;
                    break;
                case LogVariable.RequestLength:
                    if (IsDash(v)) break;
                    if (!Numbers.TryParseLong(v, out var reqLen)) return Invalid("$request_length", v);
                    r.RequestLength = reqLen;
                    break;
                case LogVariable.RequestTime:
                    if (IsDash(v)) break;
                    if (!Numbers.TryParseMillis(v, out var rt) || rt > int.MaxValue) return Invalid("$request_time", v);
                    r.RequestTimeMs = (int)rt;
                    break;
                case LogVariable.UpstreamResponseTime:
                    if (!Numbers.TryParseUpstreamMillis(v, out var ut, out var any) || ut > int.MaxValue) return Invalid("$upstream_response_time", v);
                    if (any) r.UpstreamTimeMs = (int)ut;
                    break;
                case LogVariable.HttpReferer: r.Referer = FieldText.Decode(v, mode, ref flags); break;
                case LogVariable.HttpUserAgent: r.UserAgent = FieldText.Decode(v, mode, ref flags); break;
                case LogVariable.HttpXForwardedFor: r.XForwardedFor = FieldText.Decode(v, mode, ref flags); break;
                case LogVariable.HttpXRealIp: r.XRealIp = FieldText.Decode(v, mode, ref flags); break;
                case LogVariable.Host: host = FieldText.Decode(v, mode, ref flags); break;
                case LogVariable.HttpHost: httpHost = FieldText.Decode(v, mode, ref flags); break;
                case LogVariable.ServerName: serverName = FieldText.Decode(v, mode, ref flags); break;
                case LogVariable.SslProtocol: r.SslProtocol = FieldText.Decode(v, mode, ref flags); break;
            }
        }
        r.Vhost = host ?? httpHost ?? serverName ?? "";
        if (hasRequest) SetFromRequest(r, request, mode, ref flags);
        else if (hasUri || !method.IsEmpty)
        {
            r.Method = KnownTokens.Method(method) ?? FieldText.Decode(method, mode, ref flags);
            RequestLine.SplitTarget(uri, out var path, out var query);
            r.Path = FieldText.Decode(path, mode, ref flags);
            r.Query = hasArgs ? FieldText.Decode(args, mode, ref flags) : FieldText.Decode(query, mode, ref flags);
            r.Protocol = KnownTokens.Protocol(protocol) ?? FieldText.Decode(protocol, mode, ref flags);
        }
        r.Flags |= flags;
        return null;
    }

    private static void SetFromRequest(AccessRecord r, ReadOnlySpan<byte> raw, EscapeMode mode, ref RecordFlags flags)
    {
        if (!FieldText.NeedsUnescape(raw, mode)) { SetFromUnescapedRequest(r, raw, ref flags); return; }
        byte[]? rented = null;
        var buffer = raw.Length <= 2048 ? stackalloc byte[2048] : (rented = ArrayPool<byte>.Shared.Rent(raw.Length));
        try { SetFromUnescapedRequest(r, buffer[..FieldText.Unescape(raw, mode, buffer)], ref flags); }
        finally { if (rented is not null) ArrayPool<byte>.Shared.Return(rented); }
    }

    private static void SetFromUnescapedRequest(AccessRecord r, ReadOnlySpan<byte> request, ref RecordFlags flags)
    {
        if (!RequestLine.TrySplit(request, out var req))
        {
            r.Flags |= RecordFlags.GarbageRequest;
            r.RawRequest = FieldText.Render(request, ref flags);
            return;
        }
        r.Method = KnownTokens.Method(req.Method) ?? Encoding.ASCII.GetString(req.Method);
        r.Protocol = req.Protocol.IsEmpty ? null : KnownTokens.Protocol(req.Protocol) ?? FieldText.Text(req.Protocol, ref flags);
        RequestLine.SplitTarget(req.Target, out var path, out var query);
        r.Path = FieldText.Text(path, ref flags);
        r.Query = query.IsEmpty ? null : FieldText.Text(query, ref flags);
    }

    private static bool IsDash(ReadOnlySpan<byte> v) => v.Length == 1 && v[0] == '-';

    private static string Invalid(string variable, ReadOnlySpan<byte> value)
    {
        var flags = RecordFlags.None;
        var shown = FieldText.Render(value.Length > 40 ? value[..40] : value, ref flags);
        return $"invalid {variable} '{shown}'";
    }

    private static void Reset(AccessRecord r)
    {
        r.TimeUtc = default; r.Vhost = ""; r.RemoteAddr = ""; r.ClientIp = null; r.RemoteUser = null;
        r.Method = null; r.Path = null; r.Query = null; r.Protocol = null; r.RawRequest = null;
        r.Status = 0; r.BodyBytes = 0; r.BytesSent = null; r.RequestLength = null; r.RequestTimeMs = null; r.UpstreamTimeMs = null;
        r.Referer = null; r.UserAgent = null; r.XForwardedFor = null; r.XRealIp = null; r.SslProtocol = null; r.Flags = RecordFlags.None;
    }
}
