using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NginxPulse.Functions.Hosting.Http;
using NginxPulse.Functions.Hosting.Manifest;

namespace NginxPulse.Functions.Hosting.CustomHandler;

/// <summary>
/// Running under the Functions host: it owns the triggers (Kafka, timers, HTTP keys) and calls this process over
/// HTTP on 127.0.0.1:FUNCTIONS_CUSTOMHANDLER_PORT (contract 2, 3).
/// </summary>
public static class CustomHandlerTransport
{
    public static void AddServices(WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<CustomHandlerOptions>()
            .Configure(options => CustomHandlerOptions.Bind(builder.Configuration, options))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<CustomHandlerOptions>, CustomHandlerOptionsValidator>();
        builder.Services.AddSingleton<KafkaInvocationEndpoint>();
        builder.Services.AddSingleton<TimerInvocationEndpoint>();
        builder.Services.AddSingleton<HttpInvocationEndpoint>();
        builder.Services.AddSingleton<InvocationDispatcher>();
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<CustomHandlerOptions>>((kestrel, handler) =>
        {
            // Only the IPv4 loopback the host calls; an explicit Listen also overrides ASPNETCORE_URLS,
            // which the official container images set to http://+:80.
            kestrel.Listen(IPAddress.Loopback, handler.Value.Port);
            // The host sends a whole batch in one body (maxBatchSize escaped nginx lines: megabytes): a 413 would fail
            // the same batch forever, and the only caller is the host on loopback.
            kestrel.Limits.MaxRequestBodySize = null;
        });
    }

    public static void MapEndpoints(WebApplication app, FunctionManifest manifest, FunctionRegistry registry, HttpRouteOptions routes)
    {
        // The host polls GET / until anything answers, then pings it now and then: keep it trivial.
        app.MapGet("/", () => InvocationReply.Create(StatusCodes.Status200OK));
        app.MapGet("/healthz", () => InvocationReply.Create(StatusCodes.Status200OK));
        app.MapPost("/{functionName}", (string functionName, HttpRequest request, InvocationDispatcher dispatcher, CancellationToken ct) =>
            dispatcher.HandleAsync(functionName, request, ct));
        // Requests the host forwards as they came (enableForwardingHttpRequest); it has checked the keys.
        HttpFunctionRoutes.Map(app, manifest, registry, routes, checkKeys: false);
    }
}
