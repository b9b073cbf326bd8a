using System.Buffers.Binary;

namespace NginxPulse.Functions.Reports.Parameters;

/// <summary>
/// The position after the last raw line of a page (lines are ordered newest first by time, then id): opaque to
/// callers, base64url of the time ticks and the record id.
/// </summary>
public sealed record LineCursor(DateTime TimeUtc, byte[] Id)
{
    private const int IdLength = 16;

    public string Encode()
    {
        var bytes = new byte[8 + IdLength];
        BinaryPrimitives.WriteInt64BigEndian(bytes, TimeUtc.Ticks);
        Id.CopyTo(bytes, 8);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public static LineCursor Decode(string text)
    {
        byte[] bytes;
        try
        {
            var base64 = text.Replace('-', '+').Replace('_', '/');
            bytes = Convert.FromBase64String(base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '='));
        }
        catch (FormatException)
        {
            throw new ReportParameterException("cursor", "not a cursor returned by this report");
        }
        if (bytes.Length != 8 + IdLength)
            throw new ReportParameterException("cursor", "not a cursor returned by this report");
        var ticks = BinaryPrimitives.ReadInt64BigEndian(bytes);
        if (ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks)
            throw new ReportParameterException("cursor", "not a cursor returned by this report");
        return new LineCursor(new DateTime(ticks, DateTimeKind.Utc), bytes[8..]);
    }

    public bool Equals(LineCursor? other) => other is not null && TimeUtc == other.TimeUtc && Id.AsSpan().SequenceEqual(other.Id);

    public override int GetHashCode() => HashCode.Combine(TimeUtc, Id.Length);
}
