using NginxPulse.Functions.Parsing;

namespace NginxPulse.Functions.Cleaning;

/// <summary>
/// Normalises a parsed record: vhost, real client IP, bot flag. Column sizes are the store's business
/// (AccessRecordLimits caps and flags at the schema boundary).
/// </summary>
public sealed class RecordCleaner(ClientIpResolver clientIps)
{
    public void Clean(AccessRecord r)
    {
        r.RemoteAddr = r.RemoteAddr.Trim();
        r.Vhost = NormalizeVhost(r.Vhost);
        r.ClientIp = clientIps.Resolve(r.RemoteAddr, r.XForwardedFor, r.XRealIp);
        if (r.ClientIp is null) r.Flags |= RecordFlags.ClientIpUnresolved;
        if (BotDetector.IsBot(r.UserAgent)) r.Flags |= RecordFlags.Bot;
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
}
