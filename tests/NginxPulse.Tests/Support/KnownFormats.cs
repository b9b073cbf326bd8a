namespace NginxPulse.Tests.Support;

/// <summary>The log_format directives of the real sources in ../shared/data (from their SOURCES.md entries).</summary>
public static class KnownFormats
{
    public const string WithTime =
        "log_format with_time '$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\" $request_time';";

    public const string PrivateIsuJson =
        "log_format json escape=json '{\"time\":\"$time_iso8601\",\"host\":\"$remote_addr\",\"port\":$remote_port,\"method\":\"$request_method\",\"uri\":\"$request_uri\",\"status\":\"$status\",\"body_bytes\":$body_bytes_sent,\"referer\":\"$http_referer\",\"ua\":\"$http_user_agent\",\"request_time\":\"$request_time\",\"response_time\":\"$upstream_response_time\"}';";

    public const string HnakamurLtsv =
        "log_format ltsv 'time:$time_iso8601\\tmsec:$msec\\thost:$host\\thttp_host:$http_host\\tscheme:$scheme\\tremote_addr:$remote_addr\\tremote_port:$remote_port\\tremote_user:$remote_user\\tpid:$pid\\tconn:$connection\\trequest:$request\\trequest_length:$request_length\\tstatus:$status\\tbytes_sent:$bytes_sent\\tbody_bytes_sent:$body_bytes_sent\\thttp_referer:$http_referer\\thttp_x_forwarded_for:$http_x_forwarded_for\\thttp_x_real_ip:$http_x_real_ip\\trealip_remote_addr:$realip_remote_addr\\trealip_remote_port:$realip_remote_port\\trequest_time:$request_time\\tssl_server_name:$ssl_server_name\\tx_request_id:$http_x_request_id\\trequest_id:$request_id\\tua:$http_user_agent';";

    /// <summary>Our own LTSV fixture: upstream lists, ssl_protocol, request_length, $host.</summary>
    public const string FixtureLtsv =
        "log_format ltsv2 'time:$time_iso8601\\tmsec:$msec\\thost:$host\\tremote_addr:$remote_addr\\tremote_user:$remote_user\\trequest:$request\\trequest_length:$request_length\\tstatus:$status\\tbytes_sent:$bytes_sent\\tbody_bytes_sent:$body_bytes_sent\\thttp_referer:$http_referer\\thttp_x_forwarded_for:$http_x_forwarded_for\\trequest_time:$request_time\\tupstream_response_time:$upstream_response_time\\tssl_protocol:$ssl_protocol\\tua:$http_user_agent';";

    public const string NpmProxy =
        "log_format proxy '[$time_local] $upstream_cache_status $upstream_status $status - $request_method $scheme $host \"$request_uri\" [Client $remote_addr] [Length $body_bytes_sent] [Gzip $gzip_ratio] [Sent-to $server] \"$http_user_agent\" \"$http_referer\"';";

    public const string NpmStandard =
        "log_format standard '[$time_local] $status - $request_method $scheme $host \"$request_uri\" [Client $remote_addr] [Length $body_bytes_sent] [Gzip $gzip_ratio] \"$http_user_agent\" \"$http_referer\"';";

    public const string BunkerWeb =
        "log_format bunkerweb '$host $remote_addr - $request_id - [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\"';";
}
