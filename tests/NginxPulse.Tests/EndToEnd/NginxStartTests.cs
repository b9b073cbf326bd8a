using System.Net;
using System.Net.Sockets;
using NginxPulse.Tests.Support;
using Xunit;

namespace NginxPulse.Tests.EndToEnd;

/// <summary>The whole-system tests' nginx start survives its free port being taken before nginx binds it.</summary>
public sealed class NginxStartTests
{
    [Fact]
    public async Task A_port_taken_before_nginx_binds_it_makes_nginx_start_on_the_next_free_port()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var takenPort = ((IPEndPoint)taken.LocalEndpoint).Port;
        var offered = new Queue<int>([takenPort]);
        var dir = Path.Combine(Path.GetTempPath(), "np-nginx-start-" + Guid.NewGuid().ToString("N")[..10]);
        try
        {
            var port = await WholeSystem.StartNginxAsync(dir, () => offered.Count > 0 ? offered.Dequeue() : LoopbackPort.Free());

            Assert.NotEqual(takenPort, port);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/"));
            Assert.Contains("nginx", response.Headers.Server.ToString(), StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            await WholeSystem.StopNginxAsync(dir);
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
