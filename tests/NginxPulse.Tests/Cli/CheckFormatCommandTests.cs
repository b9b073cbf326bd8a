using NginxPulse.Functions.Cli;
using Xunit;

namespace NginxPulse.Tests.Cli;

public class CheckFormatCommandTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "formats", name);

    private static async Task<(int Code, string Output)> Run(params string[] args)
    {
        var output = new StringWriter();
        var code = await CheckFormatCommand.RunAsync(args, output, CancellationToken.None);
        return (code, output.ToString());
    }

    [Fact]
    public async Task Reports_per_file_and_a_total_line_and_exits_zero_when_everything_parses()
    {
        var (code, output) = await Run(Fixture("combined.log"), Fixture("main.log"));
        Assert.Equal(0, code);
        Assert.Contains("combined.log: lines=5 parsed=5 failed=0 garbage_requests=2", output);
        Assert.EndsWith("TOTAL lines=7 parsed=7 failed=0" + Environment.NewLine, output);
    }

    [Fact]
    public async Task Shows_the_first_failures_with_reasons_and_exits_one()
    {
        var (code, output) = await Run("--log-format", "combined", "--show", "1", Fixture("with_time.log"));
        Assert.Equal(1, code);
        Assert.Contains("line 1: log_format 'combined': unexpected text after the last field", output);
        Assert.DoesNotContain("line 2:", output);
        Assert.Contains("TOTAL lines=2 parsed=0 failed=2", output);
    }

    [Fact]
    public async Task A_directive_keeps_its_own_name()
    {
        var (code, output) = await Run("-f", Support.KnownFormats.WithTime, Fixture("with_time.log"));
        Assert.Equal(0, code);
        Assert.Contains("(with_time=2)", output);
    }

    [Theory]
    [InlineData("--log-format", "$status$request_time", "x.log")]
    [InlineData("--bogus", "x.log")]
    [InlineData("--log-format", "combined")]
    public async Task Usage_errors_exit_two_with_a_message(params string[] args)
    {
        var (code, output) = await Run(args);
        Assert.Equal(2, code);
        Assert.StartsWith("check-format:", output);
    }

    [Fact]
    public async Task An_unreadable_file_is_reported_and_exits_two()
    {
        var (code, output) = await Run("/nonexistent/access.log");
        Assert.Equal(2, code);
        Assert.Contains("/nonexistent/access.log: cannot read", output);
    }
}
