using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NginxPulse.Shipper.Configuration;
using NginxPulse.Shipper.Kafka;
using NginxPulse.Shipper.Runtime;

namespace NginxPulse.Shipper.Metrics;

/// <summary>A periodic one-line summary in the log, for hosts without a metrics scraper.</summary>
public sealed class StatsLogger(ShipperOptions options, ShipperMetrics metrics, InFlightBudget budget, LogShipper shipper, ILogger<StatsLogger> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.StatsInterval == TimeSpan.Zero) return;
        using var timer = new PeriodicTimer(options.StatsInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var tails = shipper.OpenTails.ToList();
                var lag = tails.Sum(t => Math.Max(0, Math.Max(t.State.Size, t.State.ResumeOffset) - t.State.Acks.AckedOffset));
                logger.LogInformation("Stats: {LinesRead} lines read ({BytesRead} bytes), {LinesAcked} acknowledged, {InFlight} in flight, {Truncated} truncated, {Errors} errors, {OpenFiles} open files, {LagBytes} bytes behind",
                    metrics.LinesRead, metrics.BytesRead, metrics.LinesAcked, budget.Messages, metrics.LinesTruncated, metrics.Errors, tails.Count, lag);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
