using Microsoft.Extensions.Configuration;
using NginxPulse.Functions.Hosting.Configuration;

namespace NginxPulse.Functions.Hosting.Http;

/// <summary>host.json <c>extensions.http</c>: the route prefix every httpTrigger route sits under (contract 8).</summary>
public sealed class HttpRouteOptions
{
    public const string DefaultRoutePrefix = "api";

    public string RoutePrefix { get; set; } = DefaultRoutePrefix;

    public static HttpRouteOptions Read(IConfiguration hostJson, IConfiguration appSettings)
    {
        var prefix = appSettings[$"{HostJsonReader.OverridePrefix}:extensions:http:routePrefix"]
            ?? hostJson["extensions:http:routePrefix"]
            ?? DefaultRoutePrefix;
        return new HttpRouteOptions { RoutePrefix = prefix.Trim('/') };
    }

    /// <summary>The URL pattern of a function: /{routePrefix}/{route or the function name}.</summary>
    public string PatternFor(string functionName, string? route)
    {
        var path = (route is { Length: > 0 } ? route : functionName).Trim('/');
        return RoutePrefix.Length == 0 ? "/" + path : $"/{RoutePrefix}/{path}";
    }
}
