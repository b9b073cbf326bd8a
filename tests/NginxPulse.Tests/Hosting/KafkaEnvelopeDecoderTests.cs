using System.Text;
using System.Text.Json;
using NginxPulse.Functions.Hosting.CustomHandler;
using Xunit;

namespace NginxPulse.Tests.Hosting;

/// <summary>The decoder peels any number of string layers, so host, singly encoded and plain forms agree.</summary>
public sealed class KafkaEnvelopeDecoderTests
{
    private const string EventJson = """{"Offset":42,"Partition":1,"Topic":"t","Timestamp":"2026-05-01T12:00:00.25Z","Value":"a \"b\" \\x41 \u00e9","Key":"k","Headers":[]}""";

    public static TheoryData<string, string> Forms => new()
    {
        { "host (doubly encoded)", Body(JsonSerializer.Serialize(JsonSerializer.Serialize(new[] { EventJson }))) },
        { "singly encoded", Body(JsonSerializer.Serialize(new[] { EventJson })) },
        { "plain array of objects", Body($"[{EventJson}]") },
        { "cardinality one (single event string)", Body(JsonSerializer.Serialize(JsonSerializer.Serialize(EventJson))) },
    };

    [Theory]
    [MemberData(nameof(Forms))]
    public void Every_encoding_decodes_to_the_same_message(string form, string body)
    {
        using var document = JsonDocument.Parse(body);

        var batch = KafkaEnvelopeDecoder.Decode(document.RootElement, "events", "g");

        var message = Assert.Single(batch.Messages);
        Assert.True(message.Position == new NginxPulse.Functions.Kafka.KafkaPosition("t", 1, 42), form);
        Assert.Equal("k", message.Key);
        Assert.Equal("a \"b\" \\x41 \u00e9", Encoding.UTF8.GetString(message.Value.Span));
        Assert.Equal(new DateTime(2026, 5, 1, 12, 0, 0, 250, DateTimeKind.Utc), message.TimestampUtc);
    }

    [Fact]
    public void Missing_offset_names_the_field()
    {
        using var document = JsonDocument.Parse(Body("""[{"Partition":1,"Topic":"t","Timestamp":"2026-05-01T12:00:00Z","Value":"x"}]"""));

        var error = Assert.Throws<MalformedEnvelopeException>(() => KafkaEnvelopeDecoder.Decode(document.RootElement, "events", "g"));

        Assert.Contains("'Offset'", error.Message);
    }

    [Fact]
    public void A_value_that_looks_like_json_stays_text()
    {
        var json = """{"Offset":1,"Partition":0,"Topic":"t","Timestamp":"2026-05-01T12:00:00Z","Value":"[\"not\",\"unwrapped\"]","Key":null}""";
        using var document = JsonDocument.Parse(Body(JsonSerializer.Serialize(JsonSerializer.Serialize(new[] { json }))));

        var message = Assert.Single(KafkaEnvelopeDecoder.Decode(document.RootElement, "events", "g").Messages);

        Assert.Equal("[\"not\",\"unwrapped\"]", Encoding.UTF8.GetString(message.Value.Span));
        Assert.Null(message.Key);
    }

    private static string Body(string eventsJson) => "{\"Data\":{\"events\":" + eventsJson + "},\"Metadata\":{}}";
}
