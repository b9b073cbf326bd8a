using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NginxPulse.Shipper.Kafka;
using NginxPulse.Shipper.Metrics;
using NginxPulse.Shipper.Runtime;

namespace NginxPulse.Shipper.Tests.Support;

/// <summary>The real agent host, run inside the test process from the setup's configuration file.</summary>
public sealed class InProcessShipper : IAsyncDisposable
{
    private readonly IHost host;
    private bool stopped;

    private InProcessShipper(IHost host, CapturedLog log)
    {
        this.host = host;
        Log = log;
    }

    public CapturedLog Log { get; }

    public ShipperMetrics Metrics => host.Services.GetRequiredService<ShipperMetrics>();

    public InFlightBudget Budget => host.Services.GetRequiredService<InFlightBudget>();

    public LogShipper Shipper => host.Services.GetRequiredService<LogShipper>();

    public static async Task<InProcessShipper> StartAsync(ShipperSetup setup, params string[] args)
    {
        setup.WriteConfig();
        var log = new CapturedLog();
        var host = ShipperHost.Build(new ShipperCommandLine(setup.ConfigPath, null, false, args), TextWriter.Null, l => l.AddProvider(log));
        await host.StartAsync();
        return new InProcessShipper(host, log);
    }

    public async Task StopAsync()
    {
        if (stopped) return;
        stopped = true;
        await host.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        host.Dispose();
    }
}
