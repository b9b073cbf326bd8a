using System.Net;
using System.Net.Sockets;
using NginxPulse.Tests.Support;
using Xunit;

namespace NginxPulse.Tests.Infra;

/// <summary>
/// Ports for test servers never come from the kernel's ephemeral range: an outgoing connection took the shipper
/// metrics endpoint's port between the pick and the bind once (CI: "Connection refused" on the scrape).
/// </summary>
public sealed class LoopbackPortTests
{
    [Fact]
    public void Ports_are_below_the_ephemeral_range_distinct_and_free_to_listen_on()
    {
        var ephemeralLow = int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split('\t', ' ')[0]);
        var ports = Enumerable.Range(0, 50).Select(_ => LoopbackPort.Free()).ToList();

        Assert.All(ports, p => Assert.InRange(p, 1024, ephemeralLow - 1));
        Assert.Equal(ports.Count, ports.Distinct().Count());
        using var listener = new TcpListener(IPAddress.Loopback, ports[^1]);
        listener.Start();
    }
}
