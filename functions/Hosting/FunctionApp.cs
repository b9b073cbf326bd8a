using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using NginxPulse.Functions.Hosting.Configuration;
using NginxPulse.Functions.Hosting.CustomHandler;
using NginxPulse.Functions.Hosting.Http;
using NginxPulse.Functions.Hosting.Manifest;
using NginxPulse.Functions.Hosting.Standalone;

namespace NginxPulse.Functions.Hosting;

/// <summary>
/// Composes the function app. Usage:
/// <code>
/// var builder = FunctionApp.CreateBuilder(args);
/// builder.Services.AddKafkaFunction&lt;MyFunction&gt;("MyFunction");
/// await using var app = FunctionApp.Build(builder);
/// await app.RunAsync(ct);
/// </code>
/// The transport is chosen by FUNCTIONS_CUSTOMHANDLER_PORT: set (by the Functions host) means custom
/// handler, absent means standalone. Configuration problems throw <see cref="FunctionAppConfigurationException"/>
/// from <see cref="Build"/> or <see cref="OptionsValidationException"/> from start, before anything listens.
/// Nothing here does I/O beyond reading a few small files: the host allows custom handlers ~30 s to answer.
/// </summary>
public static class FunctionApp
{
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args });
        var appRoot = AppRoot.Resolve(builder.Configuration);
        LocalSettingsFile.AddBelowOtherSources(builder.Configuration, appRoot);
        DefaultSettingsFile.AddBelowOtherSources(builder.Configuration, appRoot);
        return builder;
    }

    public static WebApplication Build(WebApplicationBuilder builder)
    {
        var appRoot = AppRoot.Resolve(builder.Configuration);
        var manifest = FunctionManifestLoader.Load(appRoot, new AppSettings(builder.Configuration));
        var registry = new FunctionRegistry(builder.Services
            .Where(d => d.ServiceType == typeof(FunctionRegistration))
            .Select(d => (FunctionRegistration)d.ImplementationInstance!));
        FunctionImplementationCheck.Verify(manifest, registry);

        var hostJson = HostJsonReader.Load(appRoot);
        var routes = HttpRouteOptions.Read(hostJson, builder.Configuration);
        HttpFunctionRoutes.Verify(manifest, routes);
        builder.Services.AddOptions<KafkaHostOptions>()
            .Configure(options => HostJsonReader.BindKafka(hostJson, builder.Configuration, options))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<KafkaHostOptions>, KafkaHostOptionsValidator>();
        builder.Services.AddSingleton(manifest);
        builder.Services.AddSingleton(registry);
        builder.Services.AddSingleton<KafkaFunctionInvoker>();
        builder.Services.AddSingleton<TimerFunctionInvoker>();
        builder.Services.AddSingleton<HttpFunctionInvoker>();
        builder.Services.TryAddSingleton(TimeProvider.System);

        var customHandler = CustomHandlerOptions.IsRequested(builder.Configuration);
        if (customHandler) CustomHandlerTransport.AddServices(builder);
        else StandaloneTransport.AddServices(builder, manifest, registry);

        var app = builder.Build();
        FunctionImplementationCheck.VerifyInstances(app.Services, registry);
        // Resolve validated options now: a bad host.json value must stop start-up in both modes, and the
        // Functions host reads none of these for us in custom-handler mode.
        _ = app.Services.GetRequiredService<IOptions<KafkaHostOptions>>().Value;
        if (customHandler) CustomHandlerTransport.MapEndpoints(app, manifest, registry, routes);
        else StandaloneTransport.MapEndpoints(app, manifest, registry, routes);
        return app;
    }
}
