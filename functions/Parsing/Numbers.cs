namespace NginxPulse.Functions.Parsing;

/// <summary>Strict parsing of the numeric variables nginx writes; no culture, no allocation.</summary>
public static class Numbers
{
    public static bool TryParseLong(ReadOnlySpan<byte> s, out long value)
    {
        value = 0;
        if (s.IsEmpty || s.Length > 18) return false;
        foreach (var b in s)
        {
            if (b < '0' || b > '9') return false;
            value = value * 10 + (b - '0');
        }
        return true;
    }

    /// <summary>"1.914" seconds (or whole seconds) to milliseconds; digits beyond the third decimal are dropped.</summary>
    public static bool TryParseMillis(ReadOnlySpan<byte> s, out long ms)
    {
        ms = 0;
        var dot = s.IndexOf((byte)'.');
        var whole = dot < 0 ? s : s[..dot];
        if (!TryParseLong(whole, out var seconds) || seconds > 9_000_000_000_000L) return false;
        long frac = 0;
        if (dot >= 0)
        {
            var digits = s[(dot + 1)..];
            if (digits.IsEmpty) return false;
            for (var i = 0; i < digits.Length; i++)
            {
                var b = digits[i];
                if (b < '0' || b > '9') return false;
                if (i < 3) frac = frac * 10 + (b - '0');
            }
            for (var i = digits.Length; i < 3; i++) frac *= 10;
        }
        ms = seconds * 1000 + frac;
        return true;
    }

    /// <summary>
    /// $upstream_response_time: one value per upstream tried, ", " between attempts and " : " between internal
    /// redirects; "-" for an upstream that never answered. The total time spent upstream is the sum.
    /// </summary>
    public static bool TryParseUpstreamMillis(ReadOnlySpan<byte> s, out long totalMs, out bool any)
    {
        totalMs = 0;
        any = false;
        while (!s.IsEmpty)
        {
            var sep = s.IndexOfAny((byte)',', (byte)':');
            var part = (sep < 0 ? s : s[..sep]).Trim((byte)' ');
            s = sep < 0 ? [] : s[(sep + 1)..];
            if (part.IsEmpty || (part.Length == 1 && part[0] == '-')) continue;
            if (!TryParseMillis(part, out var ms)) return false;
            totalMs += ms;
            any = true;
        }
        return true;
    }
}
