using NginxPulse.Functions.Parsing;

namespace NginxPulse.Functions.Cleaning;

/// <summary>Normalises a parsed record: vhost, real client IP, bot flag, and every field within its stored size.</summary>
public sealed class RecordCleaner(ClientIpResolver clientIps)
{
    public void Clean(AccessRecord r)
    {
        r.RemoteAddr = r.RemoteAddr.Trim();
        r.Vhost = NormalizeVhost(r.Vhost);
        r.ClientIp = clientIps.Resolve(r.RemoteAddr, r.XForwardedFor, r.XRealIp);
        if (r.ClientIp is null) r.Flags |= RecordFlags.ClientIpUnresolved;
        if (BotDetector.IsBot(r.UserAgent)) r.Flags |= RecordFlags.Bot;
        Cap(r);
    }

    /// <summary>Host names are case-insensitive and $http_host may carry a port or a trailing dot.</summary>
    public static string NormalizeVhost(string vhost)
    {
        if (vhost.Length == 0 || vhost == "-" || vhost == "_") return "";
        var v = vhost.Trim();
        if (v.StartsWith('['))
        {
            var close = v.IndexOf(']');
            if (close > 0) v = v[..(close + 1)];
        }
        else
        {
            var colon = v.IndexOf(':');
            if (colon >= 0 && v.IndexOf(':', colon + 1) < 0) v = v[..colon];
        }
        return v.TrimEnd('.').ToLowerInvariant();
    }

    private static void Cap(AccessRecord r)
    {
        var truncated = false;
        r.Vhost = Cut(r.Vhost, FieldLimits.Vhost, ref truncated)!;
        r.Host = Cut(r.Host, FieldLimits.Host, ref truncated)!;
        r.RemoteAddr = Cut(r.RemoteAddr, FieldLimits.RemoteAddr, ref truncated)!;
        r.RemoteUser = Cut(r.RemoteUser, FieldLimits.RemoteUser, ref truncated);
        r.Method = Cut(r.Method, FieldLimits.Method, ref truncated);
        r.Path = Cut(r.Path, FieldLimits.Path, ref truncated);
        r.Query = Cut(r.Query, FieldLimits.Query, ref truncated);
        r.Protocol = Cut(r.Protocol, FieldLimits.Protocol, ref truncated);
        r.RawRequest = Cut(r.RawRequest, FieldLimits.RawRequest, ref truncated);
        r.Referer = Cut(r.Referer, FieldLimits.Referer, ref truncated);
        r.UserAgent = Cut(r.UserAgent, FieldLimits.UserAgent, ref truncated);
        r.XForwardedFor = Cut(r.XForwardedFor, FieldLimits.XForwardedFor, ref truncated);
        r.SslProtocol = Cut(r.SslProtocol, FieldLimits.SslProtocol, ref truncated);
        r.SourceFile = Cut(r.SourceFile, FieldLimits.SourceFile, ref truncated);
        if (truncated) r.Flags |= RecordFlags.FieldTruncated;
    }

    private static string? Cut(string? value, int max, ref bool truncated)
    {
        if (value is null || value.Length <= max) return value;
        truncated = true;
        // Never split a surrogate pair: half a character is not valid UTF-8 in the database.
        var end = char.IsHighSurrogate(value[max - 1]) ? max - 1 : max;
        return value[..end];
    }
}
