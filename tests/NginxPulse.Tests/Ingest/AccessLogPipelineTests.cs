using System.Text;
using NginxPulse.Functions.Kafka;
using NginxPulse.Tests.Parsing;
using Xunit;

namespace NginxPulse.Tests.Ingest;

public class AccessLogPipelineTests
{
    private const string Line = "203.0.113.7 - - [21/Nov/2026:14:03:07 +0100] \"GET /a HTTP/1.1\" 200 10 \"-\" \"Mozilla/5.0\"";

    private static KafkaMessage Msg(string value, long offset, string? key = "web-1") =>
        new(new KafkaPosition("nginx-access", 0, offset), key, Encoding.UTF8.GetBytes(value), new DateTime(2026, 11, 21, 13, 0, 0, DateTimeKind.Utc));

    private static string Envelope(long fileOffset, string line = Line) =>
        $"{{\"v\":1,\"host\":\"web-1\",\"file\":\"/var/log/nginx/access.log\",\"fileId\":\"801:77:abc\",\"offset\":{fileOffset},\"line\":{System.Text.Json.JsonSerializer.Serialize(line)}}}";

    [Fact]
    public void A_reshipped_line_with_new_kafka_offsets_gets_the_same_id()
    {
        var pipeline = RealLogTests.Pipeline("combined");
        var first = pipeline.Process(new KafkaBatch("g", [Msg(Envelope(100), 5)]))[0].Record!;
        var again = pipeline.Process(new KafkaBatch("g", [Msg(Envelope(100), 9000)]))[0].Record!;
        var next = pipeline.Process(new KafkaBatch("g", [Msg(Envelope(200), 6)]))[0].Record!;
        Assert.Equal(first.Id, again.Id);
        Assert.NotEqual(first.Id, next.Id);
        Assert.Equal(("web-1", "/var/log/nginx/access.log", 100L), (first.Host, first.SourceFile, first.SourceOffset!.Value));
    }

    [Fact]
    public void Identical_plain_lines_in_one_batch_are_kept_apart_and_stable_across_redelivery()
    {
        var pipeline = RealLogTests.Pipeline("combined");
        var batch = new KafkaBatch("g", [Msg(Line, 1), Msg(Line, 2), Msg(Line, 3)]);
        var ids = pipeline.Process(batch).Select(i => Convert.ToHexString(i.Record!.Id)).ToList();
        Assert.Equal(3, ids.Distinct().Count());
        Assert.Equal(ids, pipeline.Process(batch).Select(i => Convert.ToHexString(i.Record!.Id)));
    }

    [Fact]
    public void Time_is_utc_with_the_logged_offset_and_a_vhost_field_fills_a_missing_host()
    {
        var pipeline = RealLogTests.Pipeline("combined");
        var value = "{\"v\":1,\"host\":\"web-1\",\"line\":" + System.Text.Json.JsonSerializer.Serialize(Line) + ",\"fields\":{\"vhost\":\"Shop.Example.com\"}}";
        var r = pipeline.Process(new KafkaBatch("g", [Msg(value, 1)]))[0].Record!;
        Assert.Equal(new DateTime(2026, 11, 21, 13, 3, 7, DateTimeKind.Utc), r.TimeUtc);
        Assert.Equal(DateTimeKind.Utc, r.TimeUtc.Kind);
        Assert.Equal("shop.example.com", r.Vhost);
        Assert.Equal("203.0.113.7", r.ClientIp);
    }

    [Fact]
    public void Bad_messages_become_dead_letters_with_coordinates_and_never_stop_the_batch()
    {
        var pipeline = RealLogTests.Pipeline("combined");
        var huge = new string('x', 2 * 1024 * 1024);
        var batch = new KafkaBatch("g",
        [
            Msg("{\"v\":9,\"line\":\"x\"}", 1),
            Msg(Envelope(300, "garbage that is no access log"), 2),
            Msg(Line, 3),
            Msg(huge, 4),
            new KafkaMessage(new KafkaPosition("nginx-access", 0, 5), null, new byte[] { 0xFF, 0x00, 0xFE }, DateTime.UtcNow),
        ]);
        var items = pipeline.Process(batch);
        Assert.Equal(5, items.Count);
        Assert.Contains("unsupported shipper envelope version 9", items[0].DeadLetter!.Reason);
        Assert.Equal(("/var/log/nginx/access.log", 300L), (items[1].DeadLetter!.SourceFile, items[1].DeadLetter!.SourceOffset!.Value));
        Assert.Equal(new KafkaPosition("nginx-access", 0, 2), items[1].DeadLetter!.Position);
        Assert.NotNull(items[2].Record);
        Assert.True(items[3].DeadLetter!.RawTruncated);
        Assert.Equal(64 * 1024, items[3].DeadLetter!.Raw.Length);
        Assert.Equal("\\xFF\\x00\\xFE", items[4].DeadLetter!.Raw);
    }

    [Fact]
    public void A_log_format_field_on_the_event_selects_the_format()
    {
        var pipeline = RealLogTests.Pipeline("combined");
        var line = Line + " 0.250";
        var value = "{\"v\":1,\"host\":\"h\",\"line\":" + System.Text.Json.JsonSerializer.Serialize(line) + ",\"fields\":{\"log_format\":\"with_time\"}}";
        Assert.Equal(250, pipeline.Process(new KafkaBatch("g", [Msg(value, 1)]))[0].Record!.RequestTimeMs);
    }
}
