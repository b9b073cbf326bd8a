using System.Text.Json;
using NginxPulse.Functions.Hosting;
using Xunit;

namespace NginxPulse.Tests.Reports;

/// <summary>What callers get wrong: 400 naming the parameter, 404 for an unknown report, never a stack trace, and
/// injection attempts that change nothing.</summary>
public sealed class ReportRequestErrorTests(ReportsHarness harness) : IClassFixture<ReportsHarness>
{
    private const string Injection = "' OR 1=1 --";

    [Theory]
    [InlineData("from", "yesterday")]
    [InlineData("from", "-400d")]                       // wider than the 31-day maximum range
    [InlineData("from", "2026-11-21T16:00:00Z")]        // after 'to'
    [InlineData("from", "-9999999d")]
    [InlineData("to", "2026-13-45T00:00:00Z")]
    [InlineData("limit", "0")]
    [InlineData("limit", "1001")]
    [InlineData("limit", "ten")]
    [InlineData("limit", "-5")]
    [InlineData("step", "30s")]
    [InlineData("step", "1x")]
    [InlineData("status", "6xx")]
    [InlineData("status", "abc")]
    [InlineData("status", "4044")]
    [InlineData("format", "xml")]
    [InlineData("cursor", "not-a-cursor")]
    [InlineData("vhost", "a\u0000b")]
    [InlineData("frm", "-1h")]                          // a typo is not silently ignored
    public async Task A_malformed_parameter_is_rejected_with_400_naming_it(string name, string value)
    {
        var response = await harness.CallAsync("summary", (name, value));

        Assert.Equal(400, response.StatusCode);
        var error = Error(response);
        Assert.Contains($"'{name}'", error);
        Assert.DoesNotContain(" at ", error);
    }

    [Fact]
    public async Task A_step_giving_too_many_buckets_is_rejected_naming_step()
    {
        var response = await harness.CallAsync("timeseries", ("from", "-30d"), ("step", "1m"));

        Assert.Equal(400, response.StatusCode);
        Assert.Contains("'step'", Error(response));
    }

    [Fact]
    public async Task An_unknown_report_is_404_listing_the_known_ones()
    {
        var response = await harness.CallAsync("secrets");

        Assert.Equal(404, response.StatusCode);
        Assert.Contains("summary", Error(response));
    }

    [Theory]
    [InlineData("from")]
    [InlineData("to")]
    [InlineData("status")]
    [InlineData("limit")]
    [InlineData("step")]
    [InlineData("format")]
    [InlineData("cursor")]
    public async Task An_injection_attempt_in_a_structured_parameter_is_a_400(string name)
    {
        var response = await harness.CallAsync("lines", (name, Injection));

        Assert.Equal(400, response.StatusCode);
        Assert.Contains($"'{name}'", Error(response));
    }

    [Theory]
    [InlineData("vhost")]
    [InlineData("host")]
    [InlineData("path")]
    public async Task An_injection_attempt_in_a_text_filter_matches_nothing_and_harms_nothing(string name)
    {
        foreach (var value in new[] { Injection, "x'; DROP TABLE access_log; --", "%", "_", "\\" })
        {
            foreach (var report in new[] { "summary", "paths", "lines", "timeseries" })
            {
                var json = await harness.JsonAsync(report, (name, value));
                Assert.All(json.GetProperty("rows").EnumerateArray(), row =>
                {
                    if (row.TryGetProperty("requests", out var requests)) Assert.Equal(0, requests.GetInt64());
                    else Assert.Fail($"{report} with {name}={value} returned a row: {row}");
                });
            }
        }
        Assert.Equal(10, await harness.Database.ScalarAsync("SELECT COUNT(*) FROM access_log"));
    }

    [Fact]
    public async Task A_path_prefix_matches_literally_not_as_a_like_pattern()
    {
        Assert.Equal(0, (await harness.JsonAsync("paths", ("path", "/api%"))).GetProperty("rows").GetArrayLength());
        Assert.Equal(0, (await harness.JsonAsync("paths", ("path", "/_ndex"))).GetProperty("rows").GetArrayLength());
        Assert.Equal(1, (await harness.JsonAsync("paths", ("path", "/search,\"q"))).GetProperty("rows").GetArrayLength());
    }

    private static string Error(HttpFunctionResponse response) =>
        JsonDocument.Parse(response.Body).RootElement.GetProperty("error").GetString()!;
}
