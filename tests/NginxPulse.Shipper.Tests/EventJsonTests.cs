using System.Text;
using System.Text.Json;
using NginxPulse.Shipper.Configuration;
using NginxPulse.Shipper.Events;
using NginxPulse.Shipper.Files;
using Xunit;

namespace NginxPulse.Shipper.Tests;

/// <summary>The envelope writer's own escaping (plain ASCII lines skip the general encoder) against a JSON reader.</summary>
public sealed class EventJsonTests
{
    private static readonly DateTime ReadTime = new(2026, 11, 21, 12, 0, 1, 250, DateTimeKind.Utc);

    public static TheoryData<string, byte[]> AsciiLines => new()
    {
        { "nginx line with quotes", Encoding.ASCII.GetBytes("203.0.113.9 - - [21/Nov/2026:12:00:01 +0000] \"GET /a?b=\\\"c\\\" HTTP/1.1\" 200 5 \"-\" \"curl/8\"") },
        { "backslashes", Encoding.ASCII.GetBytes(@"GET /x\\y\x22 \\") },
        { "control characters and DEL", [(byte)'a', 0x01, 0x09, 0x1B, 0x1F, 0x7F, (byte)'"', (byte)'z'] },
        { "escape at both ends", Encoding.ASCII.GetBytes("\"quoted\"") },
        { "empty", [] },
    };

    [Theory]
    [MemberData(nameof(AsciiLines))]
    public void An_ascii_line_decodes_to_its_exact_bytes(string _, byte[] line)
    {
        var root = Write(Input(), line, truncated: false);
        Assert.Equal(Encoding.ASCII.GetString(line), root.GetProperty("line").GetString());
    }

    [Fact]
    public void Utf8_travels_as_line_and_invalid_bytes_as_lineBase64()
    {
        var utf8 = Encoding.UTF8.GetBytes("GET /café/日本 \"x\"\u2028");
        Assert.Equal(Encoding.UTF8.GetString(utf8), Write(Input(), utf8, truncated: false).GetProperty("line").GetString());

        byte[] invalid = [(byte)'G', 0xE9, 0xFF, (byte)'"'];
        var root = Write(Input(), invalid, truncated: false);
        Assert.False(root.TryGetProperty("line", out _));
        Assert.Equal(invalid, root.GetProperty("lineBase64").GetBytesFromBase64());
    }

    [Fact]
    public void A_cut_through_a_multibyte_character_drops_the_partial_character()
    {
        var cut = Encoding.UTF8.GetBytes("ab日")[..4];
        var root = Write(Input(), cut, truncated: true);
        Assert.Equal("ab", root.GetProperty("line").GetString());
        Assert.True(root.GetProperty("truncated").GetBoolean());
    }

    [Fact]
    public void Latin1_lines_are_transcoded()
    {
        byte[] line = [(byte)'c', (byte)'a', (byte)'f', 0xE9, (byte)'"'];
        Assert.Equal("café\"", Write(Input(encoding: "latin1"), line, truncated: false).GetProperty("line").GetString());
    }

    [Fact]
    public void Every_envelope_field_is_written_and_a_new_path_or_input_is_picked_up()
    {
        var json = new EventJson(JsonEncodedText.Encode("host-1"), JsonEncodedText.Encode("dev-ino-fp"));
        var first = Parse(json.Write("/var/log/a.log", Input(), 42, "x"u8, false, ReadTime));
        Assert.Equal((1, "host-1", "/var/log/a.log", "dev-ino-fp", 42L, "2026-11-21T12:00:01.250Z", false),
            (first.GetProperty("v").GetInt32(), first.GetProperty("host").GetString(), first.GetProperty("file").GetString(), first.GetProperty("fileId").GetString(),
             first.GetProperty("offset").GetInt64(), first.GetProperty("readTime").GetString(), first.GetProperty("truncated").GetBoolean()));
        Assert.Equal(["edge"], first.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("a \"b\"", first.GetProperty("fields").GetProperty("vhost").GetString());

        var renamed = Parse(json.Write("/var/log/a.log.1", Input(tag: "moved"), 43, "y"u8, false, ReadTime.AddMilliseconds(1)));
        Assert.Equal(("/var/log/a.log.1", "moved", "2026-11-21T12:00:01.251Z"),
            (renamed.GetProperty("file").GetString(), renamed.GetProperty("tags")[0].GetString(), renamed.GetProperty("readTime").GetString()));
    }

    private static Input Input(string encoding = "utf-8", string tag = "edge") =>
        new(new InputOptions { Paths = ["/var/log/*.log"], Tags = [tag], Fields = new() { ["vhost"] = "a \"b\"" }, Encoding = encoding }, "nginx-access");

    private static JsonElement Write(Input input, byte[] line, bool truncated) =>
        Parse(new EventJson(JsonEncodedText.Encode("h"), JsonEncodedText.Encode("f")).Write("/p", input, 0, line, truncated, ReadTime));

    private static JsonElement Parse(ReadOnlyMemory<byte> json) => JsonDocument.Parse(json).RootElement.Clone();
}
