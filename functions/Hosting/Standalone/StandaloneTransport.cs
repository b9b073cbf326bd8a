using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NginxPulse.Functions.Hosting.Http;
using NginxPulse.Functions.Hosting.Manifest;
using NginxPulse.Functions.Hosting.Timers;

namespace NginxPulse.Functions.Hosting.Standalone;

/// <summary>
/// Running without the Functions host: the app drives the triggers of function.json itself — one Kafka
/// consumer per kafkaTrigger function, one NCRONTAB scheduler per timerTrigger function, the httpTrigger routes
/// with key checks — and serves HTTP on NginxPulseHttpUrl.
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

        var zone = TimerZone.Resolve(builder.Configuration);
        var problems = new List<string>();
        foreach (var function in manifest.Functions.Where(f => f.Trigger is TimerTriggerBinding))
        {
            var trigger = (TimerTriggerBinding)function.Trigger;
            TimerSchedule schedule;
            try
            {
                schedule = TimerSchedule.Parse(trigger.Schedule, zone);
            }
            catch (FormatException ex)
            {
                problems.Add($"{function.Source}: schedule '{trigger.Schedule}' is not valid: {ex.Message}");
                continue;
            }
            registry.TryGet(function.Name, out var registration);
            services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<TimerTriggerListener>(sp, function, registration, schedule));
        }
        if (problems.Count > 0) throw new FunctionAppConfigurationException(problems);
        services.AddSingleton<ApiKeyAuthorizer>();
    }

    public static void MapEndpoints(WebApplication app, FunctionManifest manifest, FunctionRegistry registry, HttpRouteOptions routes)
    {
        app.MapGet("/", () => Results.Json(new { status = "ok" }));
        app.MapGet("/healthz", () => Results.Json(new { status = "ok" }));
        // Resolved now so that a missing key setting is announced (or a bad one refused) at start-up.
        _ = app.Services.GetRequiredService<ApiKeyAuthorizer>();
        HttpFunctionRoutes.Map(app, manifest, registry, routes, checkKeys: true);
    }

    private static void Listen(KestrelServerOptions kestrel, string url)
    {
        var address = BindingAddress.Parse(url);
        if (address.Host is "*" or "+" or "0.0.0.0") kestrel.ListenAnyIP(address.Port);
        else if (IPAddress.TryParse(address.Host.Trim('[', ']'), out var ip)) kestrel.Listen(ip, address.Port);
        else kestrel.ListenLocalhost(address.Port);
    }
}
