namespace NginxPulse.Shipper.Configuration;

/// <summary>How the bytes of a log file are to be read.</summary>
public enum LineEncoding
{
    /// <summary>Valid UTF-8 travels as "line"; anything else as "lineBase64" with the raw bytes.</summary>
    Utf8,
    /// <summary>ISO-8859-1: every byte is a character, transcoded to UTF-8.</summary>
    Latin1,
}

public static class LineEncodings
{
    public static bool TryParse(string? name, out LineEncoding encoding)
    {
        switch (name?.Trim().ToLowerInvariant())
        {
            case "utf-8" or "utf8": encoding = LineEncoding.Utf8; return true;
            case "latin1" or "latin-1" or "iso-8859-1": encoding = LineEncoding.Latin1; return true;
            default: encoding = default; return false;
        }
    }
}
