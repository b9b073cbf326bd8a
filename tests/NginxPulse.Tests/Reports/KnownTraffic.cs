using NginxPulse.Functions.Kafka;
using NginxPulse.Functions.Parsing;
using NginxPulse.Functions.Storage;

namespace NginxPulse.Tests.Reports;

/// <summary>
/// Ten hand-written requests between 14:00 and 15:00 on 2026-11-21, small enough that every report's expected figures
/// are worked out by hand in the tests. Request times stay below 32 ms, where histogram buckets are one millisecond
/// wide, so percentiles are exact values.
/// </summary>
public static class KnownTraffic
{
    public static readonly DateTime Start = new(2026, 11, 21, 14, 0, 0, DateTimeKind.Utc);
    public const string Www = "www.example.com";
    public const string Api = "api.example.com";
    public const string Firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";
    public const string Curl = "curl/8.0";
    public const string Googlebot = "Mozilla/5.0 (compatible; Googlebot/2.1)";
    public const string FormulaAgent = "=cmd|' /C calc'!A0";
    public const string SearchPath = "/search,\"q\"";

    public static IReadOnlyList<AccessRecord> Records { get; } =
    [
        Record(1, "00:10", Www, "web-01", "10.0.0.1", "/index.html", 200, 1000, 10, "https://google.com/", Firefox),
        Record(2, "00:20", Www, "web-01", "10.0.0.1", "/index.html", 200, 2000, 20, null, Firefox),
        Record(3, "01:05", Www, "web-02", "10.0.0.2", "/api/orders", 500, 300, 31, null, Curl),
        Record(4, "01:30", Www, "web-02", "10.0.0.3", "/api/orders", 404, 150, 5, null, Curl),
        Record(5, "02:00", Api, "web-01", "10.0.0.1", "/api/users", 200, null, 30, null, FormulaAgent, bodyBytes: 500),
        Record(6, "03:00", Api, "web-01", "10.0.0.4", "/login", 302, 400, null, "https://www.example.com/", Firefox),
        Record(7, "07:00", Www, "web-01", "10.0.0.2", "/index.html", 304, 200, 1, null, Googlebot, RecordFlags.Bot),
        Record(8, "12:30", Api, "web-02", "10.0.0.5", "/api/orders", 503, 250, 25, null, Curl),
        Record(9, "20:00", Www, "web-01", "10.0.0.1", SearchPath, 200, 600, 2, "-", null),
        Record(10, "59:59", Www, "web-02", "10.0.0.6", null, 400, 100, 0, null, null),
    ];

    public static Task StoreAsync(AccessLogStore store) => StoreAsync(store, Records);

    public static async Task StoreAsync(AccessLogStore store, IReadOnlyList<AccessRecord> records)
    {
        var items = records.Select((r, i) => new IngestItem(new KafkaPosition("nginx-access", 0, i), r, null)).ToList();
        await store.StoreAsync("reports-tests", items, CancellationToken.None);
    }

    private static AccessRecord Record(int line, string minuteSecond, string vhost, string host, string client, string? path,
        int status, long? bytesSent, int? requestTimeMs, string? referer, string? userAgent, RecordFlags flags = RecordFlags.None, long bodyBytes = 0)
    {
        var parts = minuteSecond.Split(':');
        return new AccessRecord
        {
            Id = RecordId.FromSource(host, "inode:77", line * 100L),
            TimeUtc = Start.AddMinutes(int.Parse(parts[0])).AddSeconds(int.Parse(parts[1])),
            Vhost = vhost,
            Host = host,
            RemoteAddr = client,
            ClientIp = client,
            Method = path is null ? null : "GET",
            Path = path,
            Protocol = path is null ? null : "HTTP/1.1",
            RawRequest = path is null ? "\\x16\\x03\\x01" : null,
            Status = status,
            BodyBytes = bodyBytes,
            BytesSent = bytesSent,
            RequestTimeMs = requestTimeMs,
            Referer = referer,
            UserAgent = userAgent,
            Flags = flags,
            SourceFile = "/var/log/nginx/access.log",
            SourceOffset = line * 100L,
        };
    }
}
