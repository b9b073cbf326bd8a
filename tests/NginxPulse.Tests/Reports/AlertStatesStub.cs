using NginxPulse.Functions.Hosting;

namespace NginxPulse.Tests.Reports;

/// <summary>
/// Stands in for the Alerts area's <c>GET /api/alerts/states</c> (another branch) with the agreed JSON shape, so the
/// dashboard's alert panel can be tested both ways: states given, or 404 as before alerts exist.
/// </summary>
public sealed class AlertStatesStub : IHttpFunction
{
    public const string FunctionName = "AlertStates";

    public const string FunctionJson = """
        { "bindings": [
            { "type": "httpTrigger", "direction": "in", "name": "req", "authLevel": "function", "methods": ["get"], "route": "alerts/states" },
            { "type": "http", "direction": "out", "name": "res" } ] }
        """;

    /// <summary>The body to answer; null answers 404.</summary>
    public string? StatesJson { get; set; }

    public string Name => FunctionName;

    public Task<HttpFunctionResponse> HandleAsync(HttpFunctionRequest request, CancellationToken ct) =>
        Task.FromResult(StatesJson is { } json
            ? HttpFunctionResponse.Text(json, "application/json; charset=utf-8")
            : HttpFunctionResponse.Error(404, "no alerts function"));
}
