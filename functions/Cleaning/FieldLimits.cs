namespace NginxPulse.Functions.Cleaning;

/// <summary>
/// The longest value stored per field, in characters. Storage columns are sized to match (Storage migrations);
/// longer values are cut here and the record is flagged, never rejected.
/// </summary>
public static class FieldLimits
{
    public const int Vhost = 255;
    public const int Host = 255;
    public const int RemoteAddr = 255;
    public const int ClientIp = 45;
    public const int RemoteUser = 255;
    public const int Method = 32;
    public const int Path = 2048;
    public const int Query = 4096;
    public const int Protocol = 16;
    public const int RawRequest = 2048;
    public const int Referer = 2048;
    public const int UserAgent = 1024;
    public const int XForwardedFor = 512;
    public const int SslProtocol = 16;
    public const int SourceFile = 1024;
}
