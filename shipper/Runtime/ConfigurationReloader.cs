using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using NginxPulse.Shipper.Configuration;

namespace NginxPulse.Shipper.Runtime;

/// <summary>
/// Applies a changed configuration file without a restart: inputs are added, removed or changed in place (files
/// keep their identities and offsets). A configuration that does not validate is rejected with the reason and the
/// running one stays. Kafka, registry and metrics settings are read at start-up only. Tailing only: a backfill ships
/// the files it was given with the settings it started with.
/// </summary>
public sealed class ConfigurationReloader(IConfiguration configuration, ConfigurationLoadErrors loadErrors, ShipperOptions running,
    LogShipper shipper, ILogger<ConfigurationReloader> logger) : IHostedService, IDisposable
{
    private IDisposable? subscription;
    private string appliedInputs = Describe(running);
    private string restartOnly = RestartOnly(running);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        subscription = ChangeToken.OnChange(configuration.GetReloadToken, Reload);
        return Task.CompletedTask;
    }

    private void Reload()
    {
        if (loadErrors.TakeLast() is { } syntax)
        {
            logger.LogError("Configuration change rejected, the running configuration stays: {Reason}", syntax);
            return;
        }
        ShipperOptions next;
        try
        {
            next = ShipperOptionsReader.Read(configuration);
        }
        catch (ShipperConfigurationException e)
        {
            logger.LogError("Configuration change rejected, the running configuration stays: {Reason}", e.Message);
            return;
        }
        var inputs = Describe(next);
        if (inputs != appliedInputs)
        {
            shipper.ApplyInputs(next.Inputs);
            appliedInputs = inputs;
            logger.LogInformation("Configuration reloaded: {Inputs} input(s): {Names}", next.Inputs.Count, string.Join(", ", next.Inputs.Select(i => i.DisplayName)));
        }
        var other = RestartOnly(next);
        if (other != restartOnly)
        {
            restartOnly = other;
            logger.LogWarning("Configuration change outside Inputs (Kafka, Registry, Metrics, intervals) takes effect at the next restart");
        }
    }

    private static string Describe(ShipperOptions o) => JsonSerializer.Serialize(o.Inputs, ShipperJsonContext.Default.ListInputOptions);

    private static string RestartOnly(ShipperOptions o) => JsonSerializer.Serialize(RestartOnlySettings.Of(o), ShipperJsonContext.Default.RestartOnlySettings);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => subscription?.Dispose();
}

/// <summary>The configuration file's last parse error, recorded by the JSON provider's load-exception hook.</summary>
public sealed class ConfigurationLoadErrors
{
    private string? last;

    public bool Started { get; set; }

    public void Record(string message) => Interlocked.Exchange(ref last, message);

    public string? TakeLast() => Interlocked.Exchange(ref last, null);
}

/// <summary>Every setting outside Inputs: a change to any of them takes effect at the next restart.</summary>
internal sealed record RestartOnlySettings(string Host, KafkaOptions Kafka, RegistryOptions Registry, MetricsOptions Metrics, TimeSpan ScanInterval,
    TimeSpan PollInterval, TimeSpan CloseRenamedAfter, TimeSpan DeletedFileGrace, int FingerprintBytes, TimeSpan StatsInterval)
{
    public static RestartOnlySettings Of(ShipperOptions o) =>
        new(o.Host, o.Kafka, o.Registry, o.Metrics, o.ScanInterval, o.PollInterval, o.CloseRenamedAfter, o.DeletedFileGrace, o.FingerprintBytes, o.StatsInterval);
}
