namespace NginxPulse.Functions.Parsing;

/// <summary>nginx's time variables to UTC with millisecond precision; the logged offset is honoured.</summary>
public static class NginxTime
{
    /// <summary>$time_local: <c>10/Oct/2000:13:55:36 -0700</c>.</summary>
    public static bool TryParseLocal(ReadOnlySpan<byte> s, out DateTime utc)
    {
        utc = default;
        if (s.Length != 26 || s[2] != '/' || s[6] != '/' || s[11] != ':' || s[14] != ':' || s[17] != ':' || s[20] != ' ') return false;
        if (!TryDigits(s[..2], out var day) || !TryMonth(s.Slice(3, 3), out var month) || !TryDigits(s.Slice(7, 4), out var year)
            || !TryDigits(s.Slice(12, 2), out var hour) || !TryDigits(s.Slice(15, 2), out var minute) || !TryDigits(s.Slice(18, 2), out var second))
            return false;
        if (!TryOffset(s[21..], out var offset)) return false;
        return TryBuild(year, month, day, hour, minute, second, 0, offset, out utc);
    }

    /// <summary>$time_iso8601: <c>2024-10-12T23:14:20+09:00</c> (also accepts Z and fractional seconds).</summary>
    public static bool TryParseIso8601(ReadOnlySpan<byte> s, out DateTime utc)
    {
        utc = default;
        if (s.Length < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':') return false;
        if (!TryDigits(s[..4], out var year) || !TryDigits(s.Slice(5, 2), out var month) || !TryDigits(s.Slice(8, 2), out var day)
            || !TryDigits(s.Slice(11, 2), out var hour) || !TryDigits(s.Slice(14, 2), out var minute) || !TryDigits(s.Slice(17, 2), out var second))
            return false;
        var rest = s[19..];
        var millis = 0;
        if (rest.Length > 0 && rest[0] == '.')
        {
            var k = 1;
            var scale = 100;
            while (k < rest.Length && rest[k] >= '0' && rest[k] <= '9') { millis += (rest[k] - '0') * scale; scale /= 10; k++; }
            if (k == 1) return false;
            rest = rest[k..];
        }
        TimeSpan offset;
        if (rest.Length == 1 && rest[0] == 'Z') offset = TimeSpan.Zero;
        else if (rest.Length == 6 && rest[3] == ':')
        {
            Span<byte> compact = [rest[0], rest[1], rest[2], rest[4], rest[5]];
            if (!TryOffset(compact, out offset)) return false;
        }
        else if (!TryOffset(rest, out offset)) return false;
        return TryBuild(year, month, day, hour, minute, second, millis, offset, out utc);
    }

    /// <summary>$msec: seconds since the epoch with millisecond resolution, <c>1707018398.777</c>.</summary>
    public static bool TryParseMsec(ReadOnlySpan<byte> s, out DateTime utc)
    {
        utc = default;
        if (!Numbers.TryParseMillis(s, out var ms) || ms > 253402300799999L) return false;
        utc = DateTime.UnixEpoch.AddMilliseconds(ms);
        return true;
    }

    private static bool TryBuild(int year, int month, int day, int hour, int minute, int second, int millis, TimeSpan offset, out DateTime utc)
    {
        utc = default;
        if (year < 1970 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 60) return false;
        // A leap second (":60") is logged by some systems; fold it into the next second.
        var local = new DateTime(year, month, day, hour, minute, Math.Min(second, 59), millis, DateTimeKind.Unspecified);
        if (second == 60) local = local.AddSeconds(1);
        utc = DateTime.SpecifyKind(local - offset, DateTimeKind.Utc);
        return true;
    }

    private static bool TryOffset(ReadOnlySpan<byte> s, out TimeSpan offset)
    {
        offset = default;
        if (s.Length != 5 || (s[0] != '+' && s[0] != '-') || !TryDigits(s.Slice(1, 2), out var h) || !TryDigits(s.Slice(3, 2), out var m) || h > 14 || m > 59)
            return false;
        offset = new TimeSpan(h, m, 0);
        if (s[0] == '-') offset = -offset;
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<byte> s, out int value)
    {
        value = 0;
        foreach (var b in s)
        {
            if (b < '0' || b > '9') return false;
            value = value * 10 + (b - '0');
        }
        return true;
    }

    private static bool TryMonth(ReadOnlySpan<byte> s, out int month)
    {
        // Case-sensitive like nginx writes them; a three-byte switch is cheaper than a lookup table.
        month = (s[0], s[1], s[2]) switch
        {
            ((byte)'J', (byte)'a', (byte)'n') => 1, ((byte)'F', (byte)'e', (byte)'b') => 2, ((byte)'M', (byte)'a', (byte)'r') => 3,
            ((byte)'A', (byte)'p', (byte)'r') => 4, ((byte)'M', (byte)'a', (byte)'y') => 5, ((byte)'J', (byte)'u', (byte)'n') => 6,
            ((byte)'J', (byte)'u', (byte)'l') => 7, ((byte)'A', (byte)'u', (byte)'g') => 8, ((byte)'S', (byte)'e', (byte)'p') => 9,
            ((byte)'O', (byte)'c', (byte)'t') => 10, ((byte)'N', (byte)'o', (byte)'v') => 11, ((byte)'D', (byte)'e', (byte)'c') => 12,
            _ => 0,
        };
        return month != 0;
    }
}
