namespace NginxPulse.Shipper.Tests.Support;

/// <summary>Each test gets its own mock cluster and topic, and its own directory of logs, registry and configuration.</summary>
public abstract class ShipperTest : IDisposable
{
    protected static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    protected ShipperTest()
    {
        Broker = new TestBroker();
        Setup = new ShipperSetup(Broker);
    }

    protected TestBroker Broker { get; }

    protected ShipperSetup Setup { get; }

    protected string AccessLog => Setup.Log("access.log");

    /// <summary>Writes lines 1..<paramref name="lines"/> to access.log, starts the agent and waits until they are in the topic.</summary>
    protected async Task<InProcessShipper> StartShippingAsync(int lines)
    {
        LogLines.Append(AccessLog, 1, lines);
        var shipper = await InProcessShipper.StartAsync(Setup);
        await Broker.ReadUntilAsync(e => e.Count >= lines, TimeSpan.FromSeconds(60), $"the first {lines} lines");
        return shipper;
    }

    /// <summary>A first run that ships lines 1..<paramref name="lines"/> and stops gracefully.</summary>
    protected async Task ShipAndStopAsync(int lines)
    {
        await using var shipper = await StartShippingAsync(lines);
    }

    public void Dispose()
    {
        Setup.Dispose();
        Broker.Dispose();
        GC.SuppressFinalize(this);
    }
}
