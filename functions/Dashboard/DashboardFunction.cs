using NginxPulse.Functions.Hosting;

namespace NginxPulse.Functions.Dashboard;

/// <summary>
/// <c>GET /api/dashboard</c> (the page) and <c>/api/dashboard/{file}</c> (its script and style sheet). Anonymous:
/// the page holds no data; it asks the user for the API key and sends it with every report request.
/// </summary>
public sealed class DashboardFunction(DashboardAssets assets) : IHttpFunction
{
    public const string FunctionName = "Dashboard";
    private const string Page = "index.html";

    // Scripts and styles only from this origin (no inline code), so a value shown on the page can never run.
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'self'; frame-ancestors 'none'; form-action 'none'";

    public string Name => FunctionName;

    public Task<HttpFunctionResponse> HandleAsync(HttpFunctionRequest request, CancellationToken ct)
    {
        var file = request.RouteValue("file") is { Length: > 0 } name ? name : Page;
        if (!assets.TryGet(file, out var contentType, out var text))
            return Task.FromResult(HttpFunctionResponse.Error(404, $"no dashboard file '{file}'"));
        if (file == Page)
            text = text.Replace("{{base}}", BasePath(request.Path), StringComparison.Ordinal);
        var headers = new Dictionary<string, string>
        {
            ["Content-Security-Policy"] = ContentSecurityPolicy,
            ["X-Content-Type-Options"] = "nosniff",
            ["Referrer-Policy"] = "no-referrer",
            ["Cache-Control"] = "no-cache",
        };
        return Task.FromResult(new HttpFunctionResponse(200, contentType, text, headers));
    }

    /// <summary>
    /// The page's own folder (<c>/api/dashboard/</c>) as its base URL, whatever the route prefix and whether the
    /// request had a trailing slash, so relative links to the assets and to <c>../reports</c> resolve alike.
    /// </summary>
    private static string BasePath(string path)
    {
        var trimmed = path.TrimEnd('/');
        if (trimmed.EndsWith("/" + Page, StringComparison.Ordinal)) trimmed = trimmed[..^(Page.Length + 1)];
        return System.Net.WebUtility.HtmlEncode(trimmed + "/");
    }
}
