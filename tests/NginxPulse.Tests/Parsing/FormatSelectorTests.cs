using System.Text;
using NginxPulse.Functions.Events;
using NginxPulse.Functions.Parsing;
using NginxPulse.Tests.Support;
using Xunit;

namespace NginxPulse.Tests.Parsing;

public class FormatSelectorTests
{
    private static LogEvent Event(string? path = null, string? host = null, string[]? tags = null, Dictionary<string, string>? fields = null) => new()
    {
        Line = Encoding.UTF8.GetBytes("x"), Format = EventFormat.ShipperEnvelope, FilePath = path, Host = host,
        Tags = tags ?? [], Fields = fields ?? new Dictionary<string, string>(),
    };

    private static readonly ParsingOptions Options = new()
    {
        DefaultFormats = "main,combined",
        Formats = { ["with_time"] = KnownFormats.WithTime, ["ltsv"] = KnownFormats.FixtureLtsv },
        Sources =
        {
            new SourceFormatRule { Tag = "api", Formats = "ltsv" },
            new SourceFormatRule { Path = "/var/log/nginx/legacy*.log", Formats = "with_time,combined" },
            new SourceFormatRule { Host = "edge-1", Formats = "common" },
        },
    };

    [Fact]
    public void Rules_select_by_tag_path_and_host_in_order_and_fall_back_to_the_defaults()
    {
        var s = new FormatSelector(Options);
        Assert.Equal(["ltsv"], s.Select(Event(tags: ["api"], path: "/var/log/nginx/legacy1.log")).Select(f => f.Name));
        Assert.Equal(["with_time", "combined"], s.Select(Event(path: "/var/log/nginx/legacy1.log")).Select(f => f.Name));
        Assert.Equal(["common"], s.Select(Event(host: "EDGE-1")).Select(f => f.Name));
        Assert.Equal(["main", "combined"], s.Select(Event(path: "/var/log/nginx/access.log")).Select(f => f.Name));
        Assert.Equal(["with_time"], s.Select(Event(fields: new() { ["log_format"] = "with_time" })).Select(f => f.Name));
    }

    [Fact]
    public void An_inline_log_format_string_works_as_the_default()
    {
        var s = new FormatSelector(new ParsingOptions { DefaultFormats = "$remote_addr [$time_local] $status" });
        Assert.Single(s.Defaults);
    }

    [Theory]
    [InlineData("Formats:broken", "setting Parsing:Formats:broken")]
    [InlineData("DefaultFormats", "setting Parsing:DefaultFormats")]
    [InlineData("Sources", "setting Parsing:Sources:0:Formats")]
    public void Bad_settings_fail_at_start_up_naming_the_setting(string which, string message)
    {
        var options = new ParsingOptions();
        if (which == "Formats:broken") options.Formats["broken"] = "$status$request_time";
        if (which == "DefaultFormats") options.DefaultFormats = "nosuchformat";
        if (which == "Sources") options.Sources.Add(new SourceFormatRule { Tag = "x", Formats = "nosuchformat" });
        var e = Assert.Throws<FormatException>(() => new FormatSelector(options));
        Assert.Contains(message, e.Message);
    }
}
