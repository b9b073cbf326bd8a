namespace NginxPulse.Functions.Parsing;

/// <summary>Shared string instances for the handful of methods and protocols that make up nearly every line.</summary>
public static class KnownTokens
{
    public static string? Method(ReadOnlySpan<byte> s) => s.Length switch
    {
        3 when s.SequenceEqual("GET"u8) => "GET",
        3 when s.SequenceEqual("PUT"u8) => "PUT",
        4 when s.SequenceEqual("POST"u8) => "POST",
        4 when s.SequenceEqual("HEAD"u8) => "HEAD",
        5 when s.SequenceEqual("PATCH"u8) => "PATCH",
        6 when s.SequenceEqual("DELETE"u8) => "DELETE",
        7 when s.SequenceEqual("OPTIONS"u8) => "OPTIONS",
        7 when s.SequenceEqual("CONNECT"u8) => "CONNECT",
        _ => null,
    };

    public static string? Protocol(ReadOnlySpan<byte> s) => s.Length switch
    {
        8 when s.SequenceEqual("HTTP/1.1"u8) => "HTTP/1.1",
        8 when s.SequenceEqual("HTTP/1.0"u8) => "HTTP/1.0",
        8 when s.SequenceEqual("HTTP/2.0"u8) => "HTTP/2.0",
        8 when s.SequenceEqual("HTTP/3.0"u8) => "HTTP/3.0",
        6 when s.SequenceEqual("HTTP/2"u8) => "HTTP/2",
        6 when s.SequenceEqual("HTTP/3"u8) => "HTTP/3",
        _ => null,
    };
}
