using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using NginxPulse.Functions.Hosting.Manifest;

namespace NginxPulse.Functions.Hosting.Http;

/// <summary>
/// The routes of the httpTrigger functions, <c>/{routePrefix}/{route}</c> with their methods. Standalone they are
/// the public endpoints (keys checked by <see cref="ApiKeyAuthorizer"/>); under the Functions host, which checks
/// keys itself, they receive the requests it forwards (enableForwardingHttpRequest).
/// </summary>
public static class HttpFunctionRoutes
{
    /// <summary>Start-up check: every route parses as an ASP.NET Core route template.</summary>
    public static void Verify(FunctionManifest manifest, HttpRouteOptions routes)
    {
        var problems = new List<string>();
        foreach (var (function, trigger) in HttpFunctions(manifest))
        {
            try
            {
                RoutePatternFactory.Parse(routes.PatternFor(function.Name, trigger.Route));
            }
            catch (RoutePatternException ex)
            {
                problems.Add($"{function.Source}: route '{trigger.Route}' is not a valid route template: {ex.Message}");
            }
        }
        if (problems.Count > 0) throw new FunctionAppConfigurationException(problems);
    }

    public static void Map(WebApplication app, FunctionManifest manifest, FunctionRegistry registry, HttpRouteOptions routes, bool checkKeys)
    {
        foreach (var (function, trigger) in HttpFunctions(manifest))
        {
            registry.TryGet(function.Name, out var registration);
            var needsKey = checkKeys && trigger.AuthLevel != HttpAuthLevel.Anonymous;
            RequestDelegate handler = context => HandleAsync(context, registration, needsKey);
            var pattern = routes.PatternFor(function.Name, trigger.Route);
            if (trigger.Methods.Count == 0) app.Map(pattern, handler);
            else app.MapMethods(pattern, trigger.Methods, handler);
        }
    }

    private static IEnumerable<(FunctionDefinition Function, HttpTriggerBinding Trigger)> HttpFunctions(FunctionManifest manifest) =>
        manifest.Functions.Where(f => f.Trigger is HttpTriggerBinding).Select(f => (f, (HttpTriggerBinding)f.Trigger));

    private static async Task HandleAsync(HttpContext context, FunctionRegistration registration, bool needsKey)
    {
        var ct = context.RequestAborted;
        if (needsKey && !context.RequestServices.GetRequiredService<ApiKeyAuthorizer>().IsAuthorized(context.Request))
        {
            await AspNetRequestReader.WriteAsync(context, HttpFunctionResponse.Error(StatusCodes.Status401Unauthorized,
                $"a key is required: send it in the {ApiKeyAuthorizer.HeaderName} header or the {AspNetRequestReader.KeyParameter} query parameter"), ct);
            return;
        }
        var request = await AspNetRequestReader.ReadAsync(context, ct);
        var response = request is null
            ? HttpFunctionResponse.Error(StatusCodes.Status413PayloadTooLarge, $"the request body is larger than {AspNetRequestReader.MaxBodyBytes} bytes")
            : await context.RequestServices.GetRequiredService<HttpFunctionInvoker>().InvokeAsync(registration, request, ct);
        await AspNetRequestReader.WriteAsync(context, response, ct);
    }
}
