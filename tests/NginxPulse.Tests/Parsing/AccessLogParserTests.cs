using System.Text;
using NginxPulse.Functions.Parsing;
using NginxPulse.Tests.Support;
using Xunit;

namespace NginxPulse.Tests.Parsing;

public class AccessLogParserTests
{
    [Fact]
    public void Combined_line_yields_every_field_with_the_offset_applied()
    {
        var r = Parse.Line("203.0.113.7 - alice [21/Nov/2026:14:03:07 +0100] \"GET /shop/cart?item=42 HTTP/1.1\" 200 5123 \"https://www.example.com/\" \"Mozilla/5.0\"");
        Assert.Equal(new DateTime(2026, 11, 21, 13, 3, 7, DateTimeKind.Utc), r.TimeUtc);
        Assert.Equal("203.0.113.7", r.RemoteAddr);
        Assert.Equal("alice", r.RemoteUser);
        Assert.Equal(("GET", "/shop/cart", "item=42", "HTTP/1.1"), (r.Method, r.Path, r.Query, r.Protocol));
        Assert.Equal(200, r.Status);
        Assert.Equal(5123, r.BodyBytes);
        Assert.Equal("https://www.example.com/", r.Referer);
        Assert.Equal("Mozilla/5.0", r.UserAgent);
        Assert.Equal(RecordFlags.None, r.Flags);
    }

    [Fact]
    public void Dash_means_empty()
    {
        var r = Parse.Line("1.2.3.4 - - [01/Jan/2026:00:00:00 +0000] \"GET / HTTP/1.1\" 304 0 \"-\" \"-\"");
        Assert.Null(r.RemoteUser);
        Assert.Null(r.Referer);
        Assert.Null(r.UserAgent);
    }

    [Fact]
    public void Nginx_hex_escapes_are_decoded_and_utf8_sequences_become_characters()
    {
        var r = Parse.Line("1.2.3.4 - - [01/Jan/2026:00:00:00 +0000] \"GET /s?q=\\x22a\\x22&l=\\xD1\\x80 HTTP/1.1\" 200 1 \"() { :;}; echo \\x22NS:\\x22\" \"c:\\x5Cwin\"");
        Assert.Equal("q=\"a\"&l=р", r.Query);
        Assert.Equal("() { :;}; echo \"NS:\"", r.Referer);
        Assert.Equal("c:\\win", r.UserAgent);
        Assert.Equal(RecordFlags.None, r.Flags);
    }

    [Fact]
    public void Escaped_bytes_that_are_not_utf8_are_kept_as_hex_and_flagged()
    {
        var r = Parse.Line("1.2.3.4 - - [19/May/2015:11:05:10 +0000] \"GET / HTTP/1.0\" 200 1 \"http://\\xe4\\xe5-x/\" \"UA\"");
        Assert.Equal("http://\\xE4\\xE5-x/", r.Referer);
        Assert.True(r.Flags.HasFlag(RecordFlags.InvalidUtf8));
    }

    [Fact]
    public void Raw_non_utf8_bytes_are_kept_as_hex_and_flagged()
    {
        var line = Encoding.ASCII.GetBytes("1.2.3.4 - - [10/Feb/2012:16:42:07 -0500] \"GET /").Concat(new byte[] { 0xB4, 0xFA, 0xB8, 0xD5 })
            .Concat(Encoding.ASCII.GetBytes(" HTTP/1.0\" 301 368 \"-\" \"UA\"")).ToArray();
        var record = new AccessRecord();
        Assert.True(new AccessLogParser().TryParse(line, [LogFormat.Parse("combined")], record, out _, out _));
        Assert.Equal("/\\xB4\\xFA\\xB8\\xD5", record.Path);
        Assert.True(record.Flags.HasFlag(RecordFlags.InvalidUtf8));
        Assert.Equal(new DateTime(2012, 2, 10, 21, 42, 7, DateTimeKind.Utc), record.TimeUtc);
    }

    [Fact]
    public void Apache_backslash_quote_escaping_does_not_end_a_field()
    {
        var r = Parse.Line("172.17.0.1 - - [29/Sep/2021:12:37:05 +0000] \"GET /box.php?config[\\\\\\\"sip\\\\\\\"]=x HTTP/1.1\" 404 196 \"http://e/\\\"q\\\"\" \"ua \\\\ b\"");
        Assert.Equal("config[\\\"sip\\\"]=x", r.Query);
        Assert.Equal("http://e/\"q\"", r.Referer);
        Assert.Equal("ua \\ b", r.UserAgent);
    }

    [Fact]
    public void Unencoded_spaces_stay_inside_the_uri()
    {
        var r = Parse.Line("118.163.2.22 - - [18/Sep/2013:07:06:35 +0000] \"GET /x/?post_id=1020 union select 1 from tt HTTP/1.1\" 200 48 \"-\" \"UA\"");
        Assert.Equal(("GET", "/x/", "post_id=1020 union select 1 from tt", "HTTP/1.1"), (r.Method, r.Path, r.Query, r.Protocol));
    }

    [Theory]
    [InlineData("\\x16\\x03\\x01\\x00\\xEE\\x01")]
    [InlineData("PRI * HTTP/2.0")]
    [InlineData("-")]
    [InlineData("")]
    [InlineData("HELP")]
    [InlineData("MGLNDD_216.250.9.164_80")]
    [InlineData("\\x00\\x0E8Z\\x18")]
    [InlineData("Gh0st\\xAD\\x00\\x00 x")]
    public void Garbage_requests_become_flagged_records_with_the_raw_request(string request)
    {
        var r = Parse.Line($"1.2.3.4 - - [31/Jan/2024:02:30:41 +0500] \"{request}\" 400 166 \"-\" \"-\"");
        Assert.True(r.Flags.HasFlag(RecordFlags.GarbageRequest));
        Assert.Null(r.Method);
        Assert.Null(r.Path);
        Assert.Equal(400, r.Status);
        Assert.Equal(new DateTime(2024, 1, 30, 21, 30, 41, DateTimeKind.Utc), r.TimeUtc);
        Assert.DoesNotContain('\0', r.RawRequest ?? "");
    }

    [Theory]
    [InlineData("CONNECT www.example.xyz:443 HTTP/1.1", "CONNECT", "www.example.xyz:443")]
    [InlineData("SSTP_DUPLEX_POST /sra_{BA195980}/ HTTP/1.1", "SSTP_DUPLEX_POST", "/sra_{BA195980}/")]
    [InlineData("OPTIONS * HTTP/1.1", "OPTIONS", "*")]
    [InlineData("GET http://www.example.cn/ HTTP/1.1", "GET", "http://www.example.cn/")]
    [InlineData("GET /old", "GET", "/old")]
    public void Unusual_but_valid_requests_are_split(string request, string method, string path)
    {
        var r = Parse.Line($"1.2.3.4 - - [31/Jan/2024:02:30:41 +0500] \"{request}\" 400 166 \"-\" \"-\"");
        Assert.Equal((method, path), (r.Method, r.Path));
        Assert.False(r.Flags.HasFlag(RecordFlags.GarbageRequest));
    }

    [Fact]
    public void Main_and_combined_lines_interleaved_in_one_file_both_parse()
    {
        var main = Parse.Line("172.31.18.103 - - [10/May/2021:00:00:25 +0000] \"GET / HTTP/1.1\" 200 20728 \"-\" \"ELB-HealthChecker/2.0\" \"198.51.100.1\"", "main", "combined");
        var combined = Parse.Line("172.31.18.103 - - [10/May/2021:00:00:25 +0000] \"GET / HTTP/1.1\" 200 20728 \"-\" \"ELB-HealthChecker/2.0\"", "main", "combined");
        Assert.Equal("198.51.100.1", main.XForwardedFor);
        Assert.Null(combined.XForwardedFor);
    }

    [Fact]
    public void Request_time_and_multi_valued_upstream_time_are_milliseconds()
    {
        var r = Parse.Line("time:2026-11-21T03:46:38+00:00\tmsec:1795232798.777\thost:api.example.com\tremote_addr:10.0.0.5\tremote_user:-\trequest:PUT /v1 HTTP/1.1\trequest_length:321\tstatus:201\tbytes_sent:362\tbody_bytes_sent:157\thttp_referer:-\thttp_x_forwarded_for:-\trequest_time:0.051\tupstream_response_time:0.010, 0.030 : 0.002\tssl_protocol:TLSv1.3\tua:okhttp/4.12.0", KnownFormats.FixtureLtsv);
        Assert.Equal(51, r.RequestTimeMs);
        Assert.Equal(42, r.UpstreamTimeMs);
        Assert.Equal(321, r.RequestLength);
        Assert.Equal(362, r.BytesSent);
        Assert.Equal("TLSv1.3", r.SslProtocol);
        Assert.Equal("api.example.com", r.Vhost);
        // $msec carries milliseconds; it wins over the whole-second $time_iso8601.
        Assert.Equal(new DateTime(2026, 11, 21, 3, 46, 38, 777, DateTimeKind.Utc), r.TimeUtc);
    }

    [Fact]
    public void Escape_json_lines_are_unescaped_as_json()
    {
        var r = Parse.Line("{\"time\":\"2024-10-12T23:14:21+09:00\",\"host\":\"172.31.7.82\",\"port\":46264,\"method\":\"GET\",\"uri\":\"/p?a=\\\"b\\\"\",\"status\":\"200\",\"body_bytes\":6038,\"referer\":\"\",\"ua\":\"x\\u001by\",\"request_time\":\"0.010\",\"response_time\":\"-\"}", KnownFormats.PrivateIsuJson);
        Assert.Equal(("GET", "/p", "a=\"b\""), (r.Method, r.Path, r.Query));
        Assert.Equal(new DateTime(2024, 10, 12, 14, 14, 21, DateTimeKind.Utc), r.TimeUtc);
        Assert.Null(r.Referer);
        Assert.Equal("x\\x1By", r.UserAgent);
        Assert.Equal(10, r.RequestTimeMs);
        Assert.Null(r.UpstreamTimeMs);
    }

    [Theory]
    [InlineData("1.2.3.4 - - [01/Jan/2026:00:00:00 +0000] \"GET / HTTP/1.1\" 2000 1 \"-\" \"-\"", "invalid $status")]
    [InlineData("1.2.3.4 - - [01/Jan/2026:00:00:00 +0000] \"GET / HTTP/1.1\" 200 12k \"-\" \"-\"", "invalid $body_bytes_sent")]
    [InlineData("1.2.3.4 - - [32/Jan/2026:00:00:00 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"", "invalid $time_local")]
    [InlineData("1.2.3.4 - - [01/Jan/2026:00:00:00 ] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"", "invalid $time_local")]
    [InlineData("2021/12/01 13:53:33 [error] 31#31: *46 open() failed", "expected ' - ' after $remote_addr")]
    [InlineData("1.2.3.4 - - [01/Jan/2026:00:00:00 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\" extra", "unexpected text after the last field")]
    public void Lines_that_do_not_fit_fail_with_a_reason(string line, string reason)
    {
        Assert.Contains(reason, Parse.Failure(line));
    }

    [Fact]
    public void A_one_megabyte_line_parses_with_linear_effort()
    {
        var path = "/" + new string('a', 1024 * 1024);
        var r = Parse.Line($"1.2.3.4 - - [01/Jan/2026:00:00:00 +0000] \"GET {path} HTTP/1.1\" 414 0 \"-\" \"-\"");
        Assert.Equal(path.Length, r.Path!.Length);
    }

    [Fact]
    public void The_failure_reported_is_from_the_format_that_got_furthest()
    {
        var error = Parse.Failure("221.241.47.74 - - [18/Sep/2016:14:19:19 +0900] \"GET / HTTP/1.1\" 499 0 \"-\" \"UA\" 1.914", "main", "combined", "common");
        Assert.Contains("log_format 'combined': unexpected text after the last field", error);
    }
}
