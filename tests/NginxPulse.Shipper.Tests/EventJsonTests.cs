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
        var batch = new EventBatch();
        var json = new EventJson(JsonEncodedText.Encode("host-1"), JsonEncodedText.Encode("dev-ino-fp"), batch);
        json.Write("/var/log/a.log", Input(), 42, 44, "x"u8, false, ReadTime);
        var first = Parse(batch.Event(0));
        Assert.Equal((1, "host-1", "/var/log/a.log", "dev-ino-fp", 42L, "2026-11-21T12:00:01.250Z"),
            (first.GetProperty("v").GetInt32(), first.GetProperty("host").GetString(), first.GetProperty("file").GetString(), first.GetProperty("fileId").GetString(),
             first.GetProperty("offset").GetInt64(), first.GetProperty("readTime").GetString()));
        Assert.False(first.TryGetProperty("truncated", out _));
        Assert.Equal(["edge"], first.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("a \"b\"", first.GetProperty("fields").GetProperty("vhost").GetString());

        json.Write("/var/log/a.log.1", Input(tag: "moved"), 44, 46, "y"u8, false, ReadTime.AddMilliseconds(1));
        var renamed = Parse(batch.Event(1));
        Assert.Equal(("/var/log/a.log.1", "moved", "2026-11-21T12:00:01.251Z"),
            (renamed.GetProperty("file").GetString(), renamed.GetProperty("tags")[0].GetString(), renamed.GetProperty("readTime").GetString()));
    }

    [Fact]
    public void Empty_tags_and_fields_and_an_uncut_line_leave_their_keys_out_and_a_cut_line_says_truncated()
    {
        var input = new Input(new InputOptions { Paths = ["/var/log/*.log"] }, "nginx-access");
        var whole = Write(input, "GET /"u8.ToArray(), truncated: false);
        Assert.Equal(["v", "host", "file", "fileId", "offset", "readTime", "line"], whole.EnumerateObject().Select(p => p.Name));
        Assert.True(Write(input, "GET /"u8.ToArray(), truncated: true).GetProperty("truncated").GetBoolean());
    }

    [Fact]
    public void Each_event_of_a_batch_keeps_its_bytes_and_its_line_range_while_the_buffer_grows()
    {
        var batch = new EventBatch();
        var json = new EventJson(JsonEncodedText.Encode("h"), JsonEncodedText.Encode("f"), batch);
        // Plain ASCII, UTF-8 and invalid bytes take the three ways of writing a line; together they outgrow the first buffer.
        byte[][] lines = [Encoding.ASCII.GetBytes("GET /" + new string('a', 300) + " \"x\""), Encoding.UTF8.GetBytes("GET /café/" + new string('b', 300)), [(byte)'G', 0xE9, 0xFF]];
        long offset = 1000;
        for (var i = 0; i < EventBatch.MaxLines; i++)
        {
            var line = lines[i % 3];
            json.Write("/p", Input(), offset, offset + line.Length + 1, line, truncated: i % 99 == 0, ReadTime);
            offset += line.Length + 1;
        }

        Assert.True(batch.IsFull);
        Assert.Equal(offset - 1000, batch.FileBytes(0, batch.Count));
        Assert.Equal(11, batch.TruncatedLines(0, batch.Count));
        Assert.Equal(3, batch.TruncatedLines(0, 201));
        for (var i = 0; i < batch.Count; i++)
        {
            var root = Parse(batch.Event(i));
            Assert.Equal(i == 0 ? 1000 : batch.Ends[i - 1], root.GetProperty("offset").GetInt64());
            var line = lines[i % 3];
            Assert.Equal(root.GetProperty("offset").GetInt64() + line.Length + 1, batch.Ends[i]);
            Assert.Equal(line, root.TryGetProperty("lineBase64", out var raw) ? raw.GetBytesFromBase64() : Encoding.UTF8.GetBytes(root.GetProperty("line").GetString()!));
        }

        batch.Clear();
        json.Write("/p", Input(), 5, 7, "z"u8, false, ReadTime);
        Assert.Equal((1, 7L), (batch.Count, batch.Ends[0]));
        Assert.Equal("z", Parse(batch.Event(0)).GetProperty("line").GetString());
    }

    private static Input Input(string encoding = "utf-8", string tag = "edge") =>
        new(new InputOptions { Paths = ["/var/log/*.log"], Tags = [tag], Fields = new() { ["vhost"] = "a \"b\"" }, Encoding = encoding }, "nginx-access");

    private static JsonElement Write(Input input, byte[] line, bool truncated)
    {
        var batch = new EventBatch();
        new EventJson(JsonEncodedText.Encode("h"), JsonEncodedText.Encode("f"), batch).Write("/p", input, 0, line.Length + 1, line, truncated, ReadTime);
        return Parse(batch.Event(0));
    }

    private static JsonElement Parse(ReadOnlySpan<byte> json) => JsonDocument.Parse(json.ToArray()).RootElement.Clone();
}
