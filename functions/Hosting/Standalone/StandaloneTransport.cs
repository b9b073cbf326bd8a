using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NginxPulse.Functions.Hosting.Manifest;

namespace NginxPulse.Functions.Hosting.Standalone;

/// <summary>
/// Running without the Functions host: the app drives the triggers of function.json itself — one Kafka
/// consumer per kafkaTrigger function — and serves HTTP on NginxPulseHttpUrl.
/// </summary>
public static class StandaloneTransport
{
    public static void AddServices(WebApplicationBuilder builder, FunctionManifest manifest, FunctionRegistry registry)
    {
        var services = builder.Services;
        services.AddOptions<StandaloneHttpOptions>()
            .Configure(options => StandaloneHttpOptions.Bind(builder.Configuration, options))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<StandaloneHttpOptions>, StandaloneHttpOptionsValidator>();
        services.AddOptions<KafkaConsumerOverrides>()
            .Configure(options => KafkaConsumerOverrides.Bind(builder.Configuration, options))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<KafkaConsumerOverrides>, KafkaConsumerOverridesValidator>();
        services.AddSingleton<FatalErrorMonitor>();
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<StandaloneHttpOptions>>((kestrel, http) => Listen(kestrel, http.Value.Url));

        foreach (var (function, _) in manifest.KafkaFunctions)
        {
            registry.TryGet(function.Name, out var registration);
            services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<KafkaTriggerListener>(sp, function, registration));
        }
    }

    public static void MapEndpoints(WebApplication app)
    {
        app.MapGet("/", () => Results.Json(new { status = "ok" }));
        app.MapGet("/healthz", () => Results.Json(new { status = "ok" }));
    }

    private static void Listen(KestrelServerOptions kestrel, string url)
    {
        var address = BindingAddress.Parse(url);
        if (address.Host is "*" or "+" or "0.0.0.0") kestrel.ListenAnyIP(address.Port);
        else if (IPAddress.TryParse(address.Host.Trim('[', ']'), out var ip)) kestrel.Listen(ip, address.Port);
        else kestrel.ListenLocalhost(address.Port);
    }
}
