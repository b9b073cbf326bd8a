namespace NginxPulse.Functions.Hosting;

/// <summary>An HTTP request as an httpTrigger function sees it, the same from both transports.</summary>
public sealed class HttpFunctionRequest
{
    private static readonly IReadOnlyDictionary<string, string> None =
        new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Upper case, e.g. GET.</summary>
    public required string Method { get; init; }

    /// <summary>The request path including the route prefix, e.g. <c>/api/reports/summary</c>.</summary>
    public required string Path { get; init; }

    /// <summary>Query parameters, names case-insensitive; a repeated name has its values joined with ',' as the
    /// Functions host does. The key parameter <c>code</c> never appears here.</summary>
    public IReadOnlyDictionary<string, string> Query { get; init; } = None;

    /// <summary>Values of the function.json route's parameters, e.g. <c>{report}</c>.</summary>
    public IReadOnlyDictionary<string, string> RouteValues { get; init; } = None;

    /// <summary>Request headers, names case-insensitive, repeated values joined with ", ".</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = None;

    /// <summary>The body as text; null when the request had none.</summary>
    public string? Body { get; init; }

    public string? QueryValue(string name) => Query.TryGetValue(name, out var value) ? value : null;

    public string? RouteValue(string name) => RouteValues.TryGetValue(name, out var value) ? value : null;

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
