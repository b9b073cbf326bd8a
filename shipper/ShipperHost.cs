using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NginxPulse.Shipper.Configuration;
using NginxPulse.Shipper.Kafka;
using NginxPulse.Shipper.Metrics;
using NginxPulse.Shipper.Registry;
using NginxPulse.Shipper.Runtime;

namespace NginxPulse.Shipper;

/// <summary>Builds the agent: configuration sources, validated options, services. Used by Program and by the tests.</summary>
public static class ShipperHost
{
    public const string EnvironmentPrefix = "NGINXPULSE_SHIPPER_";

    /// <summary>Throws <see cref="ShipperConfigurationException"/> naming the bad setting when the configuration cannot run.</summary>
    public static IHost Build(ShipperCommandLine commandLine, TextWriter progressOutput, Action<ILoggingBuilder>? logging = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var loadErrors = new ConfigurationLoadErrors();
        if (commandLine.ConfigPath is { } configPath)
        {
            if (!File.Exists(configPath)) throw new ShipperConfigurationException($"configuration file {configPath} does not exist");
            builder.Configuration.AddJsonFile(source =>
            {
                source.FileProvider = new PhysicalFileProvider(Path.GetDirectoryName(configPath)!);
                source.Path = Path.GetFileName(configPath);
                source.Optional = false;
                source.ReloadOnChange = true;
                source.OnLoadException = context =>
                {
                    if (!loadErrors.Started) return;  // at start-up the error ends the process with the parser's message
                    loadErrors.Record($"{configPath}: {context.Exception.InnerException?.Message ?? context.Exception.Message}");
                    context.Ignore = true;
                };
            });
            loadErrors.Started = true;  // ConfigurationManager loaded the file just now; later loads are reloads
        }
        builder.Configuration.AddEnvironmentVariables(EnvironmentPrefix);
        builder.Configuration.AddCommandLine(commandLine.ConfigurationArgs.ToArray());

        var mode = new ShipperMode(commandLine.BackfillFiles);
        var options = ShipperOptionsReader.Read(builder.Configuration, requireInputs: !mode.IsBackfill);

        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
        });
        logging?.Invoke(builder.Logging);
        if (mode.IsBackfill && builder.Configuration["Logging:LogLevel:Default"] is null) builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.Kafka.ShutdownFlushTimeout + TimeSpan.FromSeconds(10));

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(mode);
        services.AddSingleton(loadErrors);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ShipperExit>();
        services.AddSingleton<ShipperMetrics>();
        services.AddSingleton(new InFlightBudget(options.Kafka.MaxInFlightMessages, options.Kafka.MaxInFlightBytes));
        services.AddSingleton<KafkaHealth>();
        services.AddSingleton<FatalErrorMonitor>();
        services.AddSingleton<LineProducer>();
        services.AddSingleton<FileRegistry>();
        services.AddSingleton<LogShipper>();
        services.AddSingleton<PrometheusText>();
        services.AddSingleton(sp => new BackfillProgress(sp.GetRequiredService<LogShipper>(), sp.GetRequiredService<ShipperMetrics>(), progressOutput));
        services.AddHostedService<ShipperService>();
        // A backfill ships the files it was given with the settings it started with: watching the configuration
        // would only cost start-up time.
        if (!mode.IsBackfill) services.AddHostedService<ConfigurationReloader>();
        services.AddHostedService<MetricsEndpoint>();
        services.AddHostedService<StatsLogger>();

        var host = builder.Build();
        // Resolved now so a rejected Kafka setting or an unusable registry stops the start with its reason.
        host.Services.GetRequiredService<LineProducer>();
        host.Services.GetRequiredService<FileRegistry>();
        return host;
    }
}
