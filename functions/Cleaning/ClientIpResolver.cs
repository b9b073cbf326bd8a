using System.Net;

namespace NginxPulse.Functions.Cleaning;

/// <summary>
/// Finds the real client behind load balancers like nginx's realip module with real_ip_recursive on: starting
/// from the connecting peer, walk X-Forwarded-For from right to left while the address is a trusted proxy.
/// A client the proxies did not vouch for is never taken from a header it could have forged.
/// </summary>
public sealed class ClientIpResolver(IReadOnlyList<IpNetwork> trustedProxies)
{
    /// <summary>Loopback and private ranges: the usual place of load balancers in front of nginx.</summary>
    public static readonly string[] DefaultTrustedProxies =
        ["127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "::1/128", "fc00::/7"];

    public string? Resolve(string remoteAddr, string? xForwardedFor, string? xRealIp)
    {
        // Nearly every line of an nginx facing clients directly: one peer address, no forwarding headers.
        if (IsAbsent(xForwardedFor) && IsAbsent(xRealIp) && remoteAddr.AsSpan().IndexOfAny(',', ' ') < 0 && TryParse(remoteAddr, out var peer))
            return peer.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && IsCanonicalIPv4(remoteAddr) ? remoteAddr : Format(peer);

        // Some setups log a forwarding chain in $remote_addr itself ("client, proxy1, proxy2"); the last is the peer.
        var chain = new List<IPAddress>(4);
        AppendAddresses(xForwardedFor, chain);
        var peerChain = new List<IPAddress>(2);
        AppendAddresses(remoteAddr, peerChain);
        if (peerChain.Count == 0) return null;
        chain.AddRange(peerChain);

        var candidate = chain[^1];
        if (!IsTrusted(candidate)) return Format(candidate);
        if (chain.Count == 1 && TryParse(xRealIp, out var realIp)) return Format(realIp);
        for (var i = chain.Count - 2; i >= 0; i--)
        {
            candidate = chain[i];
            if (!IsTrusted(candidate)) break;
        }
        return Format(candidate);
    }

    private static bool IsAbsent(string? header) => string.IsNullOrEmpty(header) || header == "-";

    private static bool IsCanonicalIPv4(string text)
    {
        for (var i = 0; i + 1 < text.Length; i++)
            if (text[i] == '0' && (i == 0 || text[i - 1] == '.') && text[i + 1] != '.') return false;
        return true;
    }

    private bool IsTrusted(IPAddress address)
    {
        foreach (var net in trustedProxies) if (net.Contains(address)) return true;
        return false;
    }

    private static void AppendAddresses(string? list, List<IPAddress> into)
    {
        if (string.IsNullOrEmpty(list)) return;
        foreach (var token in list.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            if (TryParse(token.Trim('"'), out var address)) into.Add(address);
    }

    private static bool TryParse(string? text, out IPAddress address)
    {
        address = IPAddress.None;
        if (string.IsNullOrEmpty(text) || text == "-") return false;
        // IPAddress.TryParse accepts shorthand like "1" or "10.1"; a logged IPv4 address always has four parts.
        if (!text.Contains(':') && text.Count(c => c == '.') != 3) return false;
        if (text.StartsWith('[') && text.EndsWith(']')) text = text[1..^1];
        if (!IPAddress.TryParse(text, out var parsed)) return false;
        address = parsed;
        return true;
    }

    private static string Format(IPAddress address) =>
        (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
}
