namespace NginxPulse.Functions.Parsing;

/// <summary>The nginx variables the parser understands; any other variable is matched and ignored.</summary>
public enum LogVariable : byte
{
    Other = 0,
    RemoteAddr, RemoteUser, RealIpRemoteAddr,
    TimeLocal, TimeIso8601, Msec,
    Request, RequestMethod, RequestUri, Uri, Args, ServerProtocol,
    Status, BodyBytesSent, BytesSent, RequestLength, RequestTime, UpstreamResponseTime,
    HttpReferer, HttpUserAgent, HttpXForwardedFor, HttpXRealIp,
    Host, HttpHost, ServerName, SslProtocol,
}

public static class LogVariables
{
    public const int Count = (int)LogVariable.SslProtocol + 1;

    private static readonly Dictionary<string, LogVariable> ByName = new(StringComparer.Ordinal)
    {
        ["remote_addr"] = LogVariable.RemoteAddr,
        ["remote_user"] = LogVariable.RemoteUser,
        ["realip_remote_addr"] = LogVariable.RealIpRemoteAddr,
        ["time_local"] = LogVariable.TimeLocal,
        ["time_iso8601"] = LogVariable.TimeIso8601,
        ["msec"] = LogVariable.Msec,
        ["request"] = LogVariable.Request,
        ["request_method"] = LogVariable.RequestMethod,
        ["request_uri"] = LogVariable.RequestUri,
        ["uri"] = LogVariable.Uri,
        ["document_uri"] = LogVariable.Uri,
        ["args"] = LogVariable.Args,
        ["query_string"] = LogVariable.Args,
        ["server_protocol"] = LogVariable.ServerProtocol,
        ["status"] = LogVariable.Status,
        ["body_bytes_sent"] = LogVariable.BodyBytesSent,
        ["bytes_sent"] = LogVariable.BytesSent,
        ["request_length"] = LogVariable.RequestLength,
        ["request_time"] = LogVariable.RequestTime,
        ["upstream_response_time"] = LogVariable.UpstreamResponseTime,
        ["http_referer"] = LogVariable.HttpReferer,
        ["http_user_agent"] = LogVariable.HttpUserAgent,
        ["http_x_forwarded_for"] = LogVariable.HttpXForwardedFor,
        ["http_x_real_ip"] = LogVariable.HttpXRealIp,
        ["host"] = LogVariable.Host,
        ["http_host"] = LogVariable.HttpHost,
        ["server_name"] = LogVariable.ServerName,
        ["ssl_protocol"] = LogVariable.SslProtocol,
    };

    public static LogVariable FromName(string name) => ByName.GetValueOrDefault(name, LogVariable.Other);
}
