using NginxPulse.Functions.Hosting;

namespace NginxPulse.Tests.Hosting;

/// <summary>Test double: answers with what it was given (as JSON), or fails when asked to.</summary>
internal sealed class EchoHttpFunction(string name) : IHttpFunction
{
    public string Name => name;

    public Task<HttpFunctionResponse> HandleAsync(HttpFunctionRequest request, CancellationToken ct)
    {
        if (request.QueryValue("fail") is not null) throw new InvalidOperationException("secret connection string Password=hunter2");
        if (request.QueryValue("status") is { } status) return Task.FromResult(HttpFunctionResponse.Error(int.Parse(status, System.Globalization.CultureInfo.InvariantCulture), "as asked"));
        var echo = new
        {
            request.Method,
            request.Path,
            Query = request.Query.OrderBy(q => q.Key).Select(q => $"{q.Key}={q.Value}").ToArray(),
            Route = request.RouteValues.OrderBy(r => r.Key).Select(r => $"{r.Key}={r.Value}").ToArray(),
            Header = request.Header("X-Test"),
            request.Body,
        };
        return Task.FromResult(HttpFunctionResponse.Json(echo) with { Headers = new Dictionary<string, string> { ["X-Echo"] = "yes" } });
    }
}

/// <summary>Function json for an httpTrigger with an http output, as the reports use it.</summary>
internal static class HttpFunctionJson
{
    public static string For(string route, string authLevel = "function", string methods = "\"get\", \"post\"") => $$"""
        { "bindings": [
            { "type": "httpTrigger", "direction": "in", "name": "req", "authLevel": "{{authLevel}}", "methods": [{{methods}}], "route": "{{route}}" },
            { "type": "http", "direction": "out", "name": "res" } ] }
        """;
}
