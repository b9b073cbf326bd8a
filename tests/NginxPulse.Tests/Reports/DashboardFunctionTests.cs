using NginxPulse.Functions.Dashboard;
using NginxPulse.Functions.Hosting;
using Xunit;

namespace NginxPulse.Tests.Reports;

/// <summary>The Dashboard function called directly: which files it serves and under which base URL.</summary>
public sealed class DashboardFunctionTests
{
    private readonly DashboardFunction _function = new(new DashboardAssets());

    private Task<HttpFunctionResponse> GetAsync(string path, string? file = null) => _function.HandleAsync(new HttpFunctionRequest
    {
        Method = "GET",
        Path = path,
        RouteValues = file is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["file"] = file },
    }, CancellationToken.None);

    [Theory]
    [InlineData("/api/dashboard", null)]
    [InlineData("/api/dashboard/", null)]
    [InlineData("/api/dashboard/index.html", "index.html")]
    [InlineData("/custom/dashboard", null)]
    public async Task The_page_links_its_assets_relative_to_its_own_folder_whatever_the_request_path(string path, string? file)
    {
        var response = await GetAsync(path, file);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("text/html; charset=utf-8", response.ContentType);
        Assert.Contains($"<base href=\"{path[..(path.IndexOf("/dashboard", StringComparison.Ordinal) + 10)]}/\">", response.Body);
        Assert.Contains("src=\"dashboard.js\"", response.Body);
    }

    [Theory]
    [InlineData("dashboard.js", "text/javascript; charset=utf-8")]
    [InlineData("dashboard.css", "text/css; charset=utf-8")]
    public async Task The_script_and_style_sheet_are_served_with_their_types(string file, string contentType)
    {
        var response = await GetAsync("/api/dashboard/" + file, file);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(contentType, response.ContentType);
        Assert.Equal("nosniff", response.Headers!["X-Content-Type-Options"]);
    }

    [Theory]
    [InlineData("../host.json")]
    [InlineData("NginxPulse.Functions.dll")]
    [InlineData("Dashboard.index.html")]
    public async Task Any_other_name_is_404_and_never_reaches_the_file_system(string file)
    {
        Assert.Equal(404, (await GetAsync("/api/dashboard/" + file, file)).StatusCode);
    }
}
