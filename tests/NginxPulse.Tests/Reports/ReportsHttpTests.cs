using System.Net;
using System.Text.Json;
using Xunit;

namespace NginxPulse.Tests.Reports;

/// <summary>The reports and the dashboard through the running app: the API key check, routes and headers.</summary>
public sealed class ReportsHttpTests(ReportsApp app) : IClassFixture<ReportsApp>
{
    private const string Hour = "from=2026-11-21T14:00:00Z&to=2026-11-21T15:00:00Z";

    [Fact]
    public async Task A_report_without_a_key_is_401_and_reveals_nothing()
    {
        using var response = await app.Http.GetAsync($"/api/reports/summary?{Hour}");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain("requests", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_report_with_a_wrong_key_is_401()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/reports/summary?{Hour}");
        request.Headers.Add("x-functions-key", "not-" + ReportsApp.ApiKey);
        using var header = await app.Http.SendAsync(request);
        using var query = await app.Http.GetAsync($"/api/reports/summary?{Hour}&code=wrong");

        Assert.Equal(HttpStatusCode.Unauthorized, header.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, query.StatusCode);
    }

    [Fact]
    public async Task A_report_with_the_key_in_the_header_or_the_code_parameter_answers()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/reports/summary?{Hour}");
        request.Headers.Add("x-functions-key", ReportsApp.ApiKey);
        using var header = await app.Http.SendAsync(request);
        using var code = await app.Http.GetAsync($"/api/reports/paths?{Hour}&format=csv&code={ReportsApp.ApiKey}");

        Assert.Equal(HttpStatusCode.OK, header.StatusCode);
        var summary = JsonDocument.Parse(await header.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(10, summary.GetProperty("rows")[0].GetProperty("requests").GetInt64());
        Assert.Equal(HttpStatusCode.OK, code.StatusCode);
        Assert.Equal("text/csv", code.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("path,requests,bytes,status4xx,status5xx\r\n/api/orders,3,700,1,2\r\n", await code.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Bad_parameters_and_unknown_reports_get_json_errors_through_the_transport()
    {
        using var bad = await app.Http.GetAsync($"/api/reports/summary?from=' OR 1=1 --&code={ReportsApp.ApiKey}");
        using var unknown = await app.Http.GetAsync($"/api/reports/nope?code={ReportsApp.ApiKey}");

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("'from'", JsonDocument.Parse(await bad.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task The_dashboard_page_and_its_assets_need_no_key_and_forbid_inline_code()
    {
        using var page = await app.Http.GetAsync("/api/dashboard");
        using var script = await app.Http.GetAsync("/api/dashboard/dashboard.js");
        using var missing = await app.Http.GetAsync("/api/dashboard/secrets.txt");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        Assert.Contains("<base href=\"/api/dashboard/\">", await page.Content.ReadAsStringAsync());
        Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }
}
