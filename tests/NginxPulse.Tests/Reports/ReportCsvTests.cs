using Xunit;

namespace NginxPulse.Tests.Reports;

/// <summary>format=csv: RFC 4180 text with a header row, quoting, and formula cells defused.</summary>
public sealed class ReportCsvTests(ReportsHarness harness) : IClassFixture<ReportsHarness>
{
    private static readonly (string, string)[] Hour = [("from", "2026-11-21T14:00:00Z"), ("to", "2026-11-21T15:00:00Z"), ("format", "csv")];

    [Fact]
    public async Task Summary_as_csv_is_a_header_and_one_row_with_crlf_line_ends()
    {
        var response = await harness.CallAsync("summary", Hour);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("text/csv; charset=utf-8", response.ContentType);
        Assert.Equal("attachment; filename=\"summary.csv\"", response.Headers!["Content-Disposition"]);
        Assert.Equal(
            "requests,visitors,bytes,status1xx,status2xx,status3xx,status4xx,status5xx,statusOther,botRequests,latencyCount,latencyAvgMs,p50Ms,p95Ms,p99Ms\r\n" +
            "10,6,5500,0,4,2,2,2,0,1,9,13.8,10,31,31\r\n",
            response.Body);
    }

    [Fact]
    public async Task Fields_with_commas_or_quotes_are_quoted_and_nulls_are_empty()
    {
        var response = await harness.CallAsync("paths", [.. Hour, ("limit", "10")]);

        Assert.Equal(
            "path,requests,bytes,status4xx,status5xx\r\n" +
            "/api/orders,3,700,1,2\r\n" +
            "/index.html,3,3200,0,0\r\n" +
            ",1,100,1,0\r\n" +
            "/api/users,1,500,0,0\r\n" +
            "/login,1,400,0,0\r\n" +
            "\"/search,\"\"q\"\"\",1,600,0,0\r\n",
            response.Body);
    }

    [Fact]
    public async Task A_cell_that_a_spreadsheet_would_run_as_a_formula_is_prefixed_with_a_quote()
    {
        var response = await harness.CallAsync("useragents", Hour);

        Assert.Contains("\r\n'=cmd|' /C calc'!A0,1,500,0,0\r\n", response.Body);
        Assert.DoesNotContain("\r\n=cmd", response.Body);
    }

    [Fact]
    public async Task Lines_as_csv_carry_the_next_cursor_in_a_header()
    {
        var response = await harness.CallAsync("lines", [.. Hour, ("limit", "2")]);

        Assert.Equal(3, response.Body.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.StartsWith("time,id,vhost,host,client,method,path,query,status,bytes,requestTimeMs,referrer,userAgent\r\n2026-11-21T14:59:59.000Z,", response.Body);
        Assert.False(string.IsNullOrEmpty(response.Headers!["X-Next-Cursor"]));
    }
}
