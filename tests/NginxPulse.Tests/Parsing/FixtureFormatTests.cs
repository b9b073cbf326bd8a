using NginxPulse.Functions.Cli;
using NginxPulse.Functions.Parsing;
using NginxPulse.Tests.Support;
using Xunit;

namespace NginxPulse.Tests.Parsing;

/// <summary>The project's own small fixture for every format it claims to read (no dependency on ../shared).</summary>
public class FixtureFormatTests
{
    public static TheoryData<string, string, int> Fixtures => new()
    {
        { "combined.log", "combined", 2 },       // TLS bytes and "-" requests are flagged garbage
        { "main.log", "main", 0 },
        { "common.log", "common", 0 },
        { "with_time.log", KnownFormats.WithTime, 0 },
        { "json.log", KnownFormats.PrivateIsuJson, 0 },
        { "ltsv.log", KnownFormats.FixtureLtsv, 0 },
        { "apache_escaped.log", "combined", 0 },
    };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Fixture_parses_completely(string file, string format, int garbage)
    {
        var content = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", "formats", file));
        var report = FileFormatReport.Check(content, [LogFormat.Parse(format)], 5);
        Assert.True(report.Failed == 0, string.Join("\n", report.Failures.Select(f => $"{f.LineNumber}: {f.Reason}")));
        Assert.True(report.Lines >= 2);
        Assert.Equal(garbage, report.GarbageRequests);
    }
}
