using NginxPulse.Functions.Kafka;
using NginxPulse.Functions.Parsing;
using NginxPulse.Functions.Storage;

namespace NginxPulse.Tests.Alerts;

/// <summary>
/// Scripted traffic stored through the real ingest path (AccessLogStore): a number of requests per minute for a
/// vhost and host with a given status and request time, each line at its own offset of one Kafka partition.
/// </summary>
internal sealed class TrafficScript
{
    public const string ConsumerGroup = "alerts-test";
    private readonly AccessLogStore _store;
    private long _offset;

    public TrafficScript(AccessLogStore store) => _store = store;

    public async Task MinuteAsync(DateTime minute, int requests, string vhost = "www.example.com", string host = "web-01",
        int status = 200, int latencyMs = 40, string? client = null, string path = "/index.html")
    {
        var items = new List<IngestItem>(requests);
        for (var i = 0; i < requests; i++)
        {
            var offset = _offset++;
            var ip = client ?? $"203.0.113.{i % 250 + 1}";
            var record = new AccessRecord
            {
                Id = RecordId.FromSource(host, "inode:alerts", offset),
                TimeUtc = minute.AddMilliseconds(i * 60_000.0 / requests),
                Vhost = vhost,
                Host = host,
                RemoteAddr = ip,
                ClientIp = ip,
                Method = "GET",
                Path = path,
                Protocol = "HTTP/1.1",
                Status = status,
                BodyBytes = 1000,
                BytesSent = 1200,
                RequestTimeMs = latencyMs,
                UserAgent = "Mozilla/5.0",
                SourceFile = "/var/log/nginx/access.log",
                SourceOffset = offset,
            };
            items.Add(new IngestItem(new KafkaPosition("nginx-access", 0, offset), record, null));
        }
        if (items.Count > 0) await _store.StoreAsync(ConsumerGroup, items, CancellationToken.None);
    }
}
