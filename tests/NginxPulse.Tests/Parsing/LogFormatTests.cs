using NginxPulse.Functions.Parsing;
using Xunit;

namespace NginxPulse.Tests.Parsing;

public class LogFormatTests
{
    [Fact]
    public void Combined_compiles_into_alternating_literals_and_variables()
    {
        var f = LogFormat.Parse("combined");
        Assert.Equal("combined", f.Name);
        Assert.Equal(["remote_addr", "remote_user", "time_local", "request", "status", "body_bytes_sent", "http_referer", "http_user_agent"],
            f.Segments.Where(s => !s.IsLiteral).Select(s => s.VariableName));
        Assert.True(f.HasTime);
    }

    [Fact]
    public void Directive_with_escape_json_and_concatenated_strings_is_read_like_nginx_conf()
    {
        var f = LogFormat.Parse("log_format api escape=json '{\"s\":\"$status\",' \"\\\"t\\\":$request_time}\";");
        Assert.Equal("api", f.Name);
        Assert.Equal(EscapeMode.Json, f.Escape);
        Assert.Equal("{\"s\":\"$status\",\"t\":$request_time}", f.Source);
    }

    [Fact]
    public void Config_string_escapes_become_tabs()
    {
        var f = LogFormat.Parse("a:$status\\tb:$request_time");
        Assert.Equal("a:$status\tb:$request_time", f.Source);
    }

    [Fact]
    public void Braced_variables_are_recognised()
    {
        var f = LogFormat.Parse("${remote_addr}x$status");
        Assert.Equal(LogVariable.RemoteAddr, f.Segments[0].Variable);
    }

    [Theory]
    [InlineData("$status$request_time", "adjacent")]
    [InlineData("no variables here", "neither a predefined format")]
    [InlineData("log_format x escape=xml '$status';", "unknown escape=xml")]
    [InlineData("log_format x '$status", "unterminated")]
    [InlineData("", "empty")]
    public void Invalid_formats_fail_with_a_reason(string text, string reason)
    {
        var e = Assert.Throws<FormatException>(() => LogFormat.Parse(text));
        Assert.Contains(reason, e.Message);
    }
}
