using System.Buffers;

namespace NginxPulse.Functions.Parsing;

/// <summary>$request split into method, path, query and protocol — or recognised as not an HTTP request at all.</summary>
public readonly ref struct RequestLine
{
    public ReadOnlySpan<byte> Method { get; init; }
    public ReadOnlySpan<byte> Target { get; init; }
    public ReadOnlySpan<byte> Protocol { get; init; }

    // RFC 9110 tchar: what a method token may contain. Scanners send TLS or RDP bytes to plain-HTTP ports, and
    // nginx logs those bytes as the "request"; they fail here.
    private static readonly SearchValues<byte> NotTokenChar = SearchValues.Create(
        [.. Enumerable.Range(0, 256).Where(b => !(char.IsAsciiLetterOrDigit((char)b) || "!#$%&'*+-.^_`|~".Contains((char)b))).Select(b => (byte)b)]);

    /// <summary>
    /// Splits an unescaped request line. Unencoded spaces inside the URI (seen in injection attempts) stay in the
    /// target: the method ends at the first space and the protocol starts after the last.
    /// </summary>
    public static bool TrySplit(ReadOnlySpan<byte> request, out RequestLine line)
    {
        line = default;
        var firstSpace = request.IndexOf((byte)' ');
        if (firstSpace <= 0) return false;
        var method = request[..firstSpace];
        if (method.IndexOfAny(NotTokenChar) >= 0 || method.Length > 32) return false;
        var rest = request[(firstSpace + 1)..];
        ReadOnlySpan<byte> protocol = default;
        var lastSpace = rest.LastIndexOf((byte)' ');
        if (lastSpace >= 0 && IsHttpVersion(rest[(lastSpace + 1)..]))
        {
            protocol = rest[(lastSpace + 1)..];
            rest = rest[..lastSpace];
        }
        if (rest.IsEmpty || !IsPlausibleTarget(method, rest)) return false;
        // The HTTP/2 connection preface on an HTTP/1 port is a client speaking the wrong protocol, not a request.
        if (method.SequenceEqual("PRI"u8) && rest.SequenceEqual("*"u8)) return false;
        line = new RequestLine { Method = method, Target = rest, Protocol = protocol };
        return true;
    }

    public static void SplitTarget(ReadOnlySpan<byte> target, out ReadOnlySpan<byte> path, out ReadOnlySpan<byte> query)
    {
        var q = target.IndexOf((byte)'?');
        path = q < 0 ? target : target[..q];
        query = q < 0 ? default : target[(q + 1)..];
    }

    private static bool IsHttpVersion(ReadOnlySpan<byte> s) =>
        s.Length >= 6 && s.StartsWith("HTTP/"u8) && s[5] >= '0' && s[5] <= '9'
        && (s.Length == 6 || (s.Length == 8 && s[6] == '.' && s[7] >= '0' && s[7] <= '9'));

    private static bool IsPlausibleTarget(ReadOnlySpan<byte> method, ReadOnlySpan<byte> target) =>
        target[0] == '/' || target[0] == '*' || target.StartsWith("http://"u8) || target.StartsWith("https://"u8)
        || (method.SequenceEqual("CONNECT"u8) && target.IndexOf((byte)' ') < 0);
}
