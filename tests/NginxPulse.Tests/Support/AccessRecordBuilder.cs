using NginxPulse.Functions.Kafka;
using NginxPulse.Functions.Parsing;
using NginxPulse.Functions.Storage;

namespace NginxPulse.Tests.Support;

/// <summary>
/// Realistic access records, deterministic per (seed, line number): the same line always has the same id, time
/// and fields, so a "re-shipped" line is simply the same line number built again. Spread over several minutes,
/// vhosts and hosts, with a real-looking status mix, bots and a log-normal latency. Also linked into the benchmark.
/// </summary>
public sealed class AccessRecordBuilder
{
    private static readonly string[] Vhosts = ["www.example.com", "api.example.com", "static.example.com", "shop.example.org"];
    private static readonly string[] Paths = ["/", "/index.html", "/api/v1/orders", "/api/v1/users/42", "/static/app.js", "/static/site.css", "/img/logo.png", "/login", "/search", "/cart/checkout"];
    private static readonly string[] Agents =
    [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
        "curl/7.88.1",
    ];
    private static readonly string[] BotAgents = ["Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"];
    private static readonly (int Status, int Weight)[] Statuses = [(200, 700), (304, 80), (301, 30), (302, 20), (404, 80), (499, 10), (500, 20), (502, 15), (503, 10), (101, 5), (444, 5), (0, 5)];

    private readonly int _seed;
    private readonly string[] _hosts;
    private readonly int? _linesPerMinute;

    /// <param name="minutes">Lines are spread at random over this many minutes from <paramref name="startUtc"/>...</param>
    /// <param name="linesPerMinute">...unless this is set: then time follows the line number, like a real log, and a
    /// batch of consecutive lines touches only a minute or two.</param>
    public AccessRecordBuilder(DateTime startUtc, int minutes = 5, int seed = 1, string fileIdentity = "inode:4711", int? linesPerMinute = null, params string[] hosts)
    {
        StartUtc = startUtc;
        Minutes = minutes;
        _seed = seed;
        _linesPerMinute = linesPerMinute;
        FileIdentity = fileIdentity;
        _hosts = hosts.Length > 0 ? hosts : ["web-01", "web-02"];
    }

    public DateTime StartUtc { get; }
    public int Minutes { get; }
    public string FileIdentity { get; }

    /// <summary>Line <paramref name="line"/> of the logs (0-based); its byte offset is derived from it.</summary>
    public AccessRecord Build(long line)
    {
        var rnd = new Random(unchecked(_seed * 1_000_003 + (int)line * 7919));
        var host = _hosts[(int)(line % _hosts.Length)];
        var offset = line * 217;
        var bot = rnd.Next(10) == 0;
        var status = PickStatus(rnd.Next(Statuses.Sum(s => s.Weight)));
        var path = Paths[rnd.Next(Paths.Length)];
        int? requestTime = rnd.Next(10) == 0 ? null : LogNormalMs(rnd);
        var time = _linesPerMinute is { } perMinute
            ? StartUtc.AddMinutes(line / perMinute).AddMilliseconds((line % perMinute) * 60_000.0 / perMinute)
            : StartUtc.AddMilliseconds(rnd.NextInt64((long)Minutes * 60_000));
        var ip = $"203.0.113.{rnd.Next(1, 255)}";
        return new AccessRecord
        {
            Id = RecordId.FromSource(host, FileIdentity, offset),
            TimeUtc = time,
            Vhost = Vhosts[rnd.Next(Vhosts.Length)],
            Host = host,
            RemoteAddr = ip,
            ClientIp = ip,
            RemoteUser = rnd.Next(20) == 0 ? "alice" : null,
            Method = rnd.Next(5) == 0 ? "POST" : "GET",
            Path = path,
            Query = rnd.Next(4) == 0 ? $"q=term{rnd.Next(1000)}&page={rnd.Next(1, 9)}" : null,
            Protocol = "HTTP/1.1",
            Status = status,
            BodyBytes = status == 304 ? 0 : rnd.Next(0, 250_000),
            BytesSent = rnd.Next(3) == 0 ? null : rnd.Next(200, 250_500),
            RequestLength = rnd.Next(80, 2000),
            RequestTimeMs = requestTime,
            UpstreamTimeMs = requestTime is { } t && path.StartsWith("/api", StringComparison.Ordinal) ? Math.Max(0, t - rnd.Next(3)) : null,
            Referer = rnd.Next(3) == 0 ? "https://www.example.com/" : null,
            UserAgent = bot ? BotAgents[rnd.Next(BotAgents.Length)] : Agents[rnd.Next(Agents.Length)],
            XForwardedFor = rnd.Next(4) == 0 ? $"198.51.100.{rnd.Next(1, 255)}, {ip}" : null,
            SslProtocol = rnd.Next(6) == 0 ? null : "TLSv1.3",
            Flags = bot ? RecordFlags.Bot : RecordFlags.None,
            SourceFile = "/var/log/nginx/access.log",
            SourceOffset = offset,
        };
    }

    public List<AccessRecord> Build(long firstLine, int count)
    {
        var records = new List<AccessRecord>(count);
        for (var i = 0; i < count; i++) records.Add(Build(firstLine + i));
        return records;
    }

    /// <summary>Records as the messages of one partition, at consecutive offsets from <paramref name="firstOffset"/>.</summary>
    public static List<IngestItem> Items(IEnumerable<AccessRecord> records, long firstOffset, int partition = 0, string topic = "nginx-access") =>
        records.Select((r, i) => new IngestItem(new KafkaPosition(topic, partition, firstOffset + i), r, null)).ToList();

    // Log-normal around a 40 ms median with a heavy tail, like a mix of cached and upstream requests.
    private static int LogNormalMs(Random rnd)
    {
        var u1 = 1.0 - rnd.NextDouble();
        var u2 = rnd.NextDouble();
        var normal = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        return (int)Math.Min(60_000, Math.Exp(Math.Log(40) + 1.2 * normal));
    }

    private static int PickStatus(int roll)
    {
        foreach (var (status, weight) in Statuses)
        {
            if (roll < weight) return status;
            roll -= weight;
        }
        return 200;
    }
}
