using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NginxPulse.Shipper.Configuration;
using NginxPulse.Shipper.Kafka;
using NginxPulse.Shipper.Registry;

namespace NginxPulse.Shipper.Runtime;

/// <summary>
/// Runs the agent: tailing with a registry save on an interval, or a backfill. On shutdown (SIGTERM) it stops
/// reading, waits for outstanding acknowledgements (bounded) and saves the registry last.
/// </summary>
public sealed class ShipperService(
    ShipperOptions options, ShipperMode mode, LogShipper shipper, LineProducer producer, FileRegistry registry,
    BackfillProgress progress, ShipperExit exit, FatalErrorMonitor fatal, IHostApplicationLifetime lifetime, ILogger<ShipperService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            if (mode.IsBackfill) await BackfillAsync(mode.BackfillFiles!, stoppingToken);
            else await TailAsync(stoppingToken);
        }
        finally
        {
            var unacknowledged = producer.Flush(options.Kafka.ShutdownFlushTimeout);
            if (unacknowledged > 0)
                logger.LogWarning("{Lines} line(s) were not acknowledged before shutdown; the registry stops before them, so they are sent again after the restart", unacknowledged);
            await registry.SaveAsync(CancellationToken.None);
            logger.LogInformation("Registry saved to {Registry}", registry.Path);
            if (fatal.HasFailed) exit.Code = 1;
        }
    }

    private async Task TailAsync(CancellationToken stoppingToken)
    {
        logger.LogInformation("Shipping {Inputs} input(s) as host {Host} to {Bootstrap}", options.Inputs.Count, options.Host, options.Kafka.BootstrapServers);
        var saving = SaveRegularlyAsync(stoppingToken);
        await shipper.RunAsync(stoppingToken);
        await saving;
    }

    private async Task SaveRegularlyAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Registry.FlushInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await registry.SaveAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task BackfillAsync(IReadOnlyList<string> files, CancellationToken stoppingToken)
    {
        using var display = progress.Start(files, stoppingToken);
        var allRead = await shipper.BackfillAsync(files, stoppingToken);
        while (!stoppingToken.IsCancellationRequested && producer.Budget.Messages > 0) producer.Flush(TimeSpan.FromMilliseconds(200));
        progress.Finish();
        await shipper.DisposeAsync();
        exit.Code = stoppingToken.IsCancellationRequested || !allRead ? 1 : 0;
        lifetime.StopApplication();
    }
}
