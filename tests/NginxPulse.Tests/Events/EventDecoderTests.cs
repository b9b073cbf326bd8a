using System.Text;
using NginxPulse.Functions.Events;
using NginxPulse.Functions.Kafka;
using Xunit;

namespace NginxPulse.Tests.Events;

public class EventDecoderTests
{
    private static KafkaMessage Message(string value, string? key = "web-1") => Message(Encoding.UTF8.GetBytes(value), key);

    private static KafkaMessage Message(byte[] value, string? key = "web-1") =>
        new(new KafkaPosition("nginx-access", 1, 42), key, value, new DateTime(2026, 11, 21, 12, 0, 0, DateTimeKind.Utc));

    private static LogEvent Decode(KafkaMessage m)
    {
        Assert.True(new EventDecoder().TryDecode(m, out var e, out var error), error);
        return e!;
    }

    private static string Error(KafkaMessage m)
    {
        Assert.False(new EventDecoder().TryDecode(m, out _, out var error));
        return error!;
    }

    [Fact]
    public void Shipper_envelope_carries_line_and_coordinates()
    {
        var e = Decode(Message("""
            {"v":1,"readTime":"2026-11-21T12:00:01.250Z","host":"edge-7","file":"/var/log/nginx/access.log","fileId":"fd01:1234:9f86d081884c7d65","offset":8192,"line":"1.2.3.4 - - [x] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"","tags":["edge","eu"],"fields":{"vhost":"www.example.com","log_format":"main"},"truncated":true}
            """));
        Assert.Equal(EventFormat.ShipperEnvelope, e.Format);
        Assert.Equal("edge-7", e.Host);
        Assert.Equal("/var/log/nginx/access.log", e.FilePath);
        Assert.Equal("fd01:1234:9f86d081884c7d65", e.FileIdentity);
        Assert.Equal(8192, e.FileOffset);
        Assert.Equal(new DateTime(2026, 11, 21, 12, 0, 1, 250, DateTimeKind.Utc), e.ReadTimeUtc);
        Assert.Equal(["edge", "eu"], e.Tags);
        Assert.Equal("main", e.Fields["log_format"]);
        Assert.True(e.Truncated);
        Assert.StartsWith("1.2.3.4 - - [x] \"GET", Encoding.UTF8.GetString(e.Line.Span));
    }

    [Fact]
    public void Shipper_envelope_line_base64_carries_bytes_that_are_not_utf8()
    {
        var raw = new byte[] { (byte)'G', 0xB4, 0xFA, (byte)'\n' };
        var e = Decode(Message($"{{\"v\":1,\"host\":\"h\",\"lineBase64\":\"{Convert.ToBase64String(raw)}\"}}"));
        Assert.Equal(raw[..3], e.Line.ToArray());
    }

    [Theory]
    [InlineData("{\"v\":2,\"line\":\"x\"}", "unsupported shipper envelope version 2")]
    [InlineData("{\"v\":\"1\",\"line\":\"x\"}", "\"v\" must be an integer")]
    [InlineData("{\"v\":1}", "neither \"line\" nor \"lineBase64\"")]
    [InlineData("{\"v\":1,\"line\":7}", "\"line\" must be a string")]
    [InlineData("{\"v\":1,\"line\":\"x\",\"offset\":-5}", "\"offset\" must be a non-negative integer")]
    [InlineData("{\"v\":1,\"line\":\"x\",\"offset\":\"12\"}", "\"offset\" must be a non-negative integer")]
    [InlineData("{\"v\":1,\"line\":\"x\",\"tags\":\"edge\"}", "\"tags\" must be an array")]
    [InlineData("{\"v\":1,\"line\":\"x\",\"readTime\":\"yesterday\"}", "\"readTime\" must be an ISO-8601")]
    [InlineData("", "empty message")]
    [InlineData("\n", "empty message")]
    public void Malformed_envelopes_are_rejected_with_a_reason(string value, string reason)
    {
        Assert.Contains(reason, Error(Message(value)));
    }

    [Fact]
    public void Filebeat_event_maps_host_path_offset_and_inode()
    {
        var e = Decode(Message("""
            {"@timestamp":"2026-11-21T12:00:00.000Z","message":"1.2.3.4 - - [x]\n","host":{"name":"web-2"},"log":{"offset":1024,"file":{"path":"/var/log/nginx/access.log","inode":"77","device_id":"64769"}},"tags":["beats"],"fields":{"vhost":"a.example"}}
            """, key: null));
        Assert.Equal(EventFormat.Filebeat, e.Format);
        Assert.Equal("web-2", e.Host);
        Assert.Equal("/var/log/nginx/access.log", e.FilePath);
        Assert.Equal("64769:77", e.FileIdentity);
        Assert.Equal(1024, e.FileOffset);
        Assert.Equal("1.2.3.4 - - [x]", Encoding.UTF8.GetString(e.Line.Span));
    }

    [Theory]
    [InlineData("1.2.3.4 - - [21/Nov/2026:12:00:00 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"\r\n")]
    [InlineData("{\"time\":\"2024-10-12T23:14:20+09:00\",\"host\":\"172.31.7.82\"}")]
    [InlineData("{not json at all")]
    public void Anything_else_is_a_plain_line_keyed_by_host(string value)
    {
        var e = Decode(Message(value, key: "web-9"));
        Assert.Equal(EventFormat.PlainText, e.Format);
        Assert.Equal("web-9", e.Host);
        Assert.Equal(value.TrimEnd('\r', '\n'), Encoding.UTF8.GetString(e.Line.Span));
    }

    [Fact]
    public void Plain_lines_keep_bytes_that_are_not_utf8()
    {
        var raw = new byte[] { (byte)'x', 0xFF, 0xFE, (byte)'y' };
        Assert.Equal(raw, Decode(Message(raw)).Line.ToArray());
    }
}
