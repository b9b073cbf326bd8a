using System.Net;
using System.Net.Sockets;

namespace NginxPulse.Tests.Support;

/// <summary>
/// TCP ports on 127.0.0.1 for servers a test starts. They come from below the kernel's ephemeral range: a port the
/// kernel hands out for port 0 can be taken by any outgoing connection (a Kafka client's, a MySQL client's) between
/// this call and the server's own bind — which once left the shipper's metrics endpoint unable to listen in CI.
/// </summary>
public static class LoopbackPort
{
    private const string EphemeralRangeFile = "/proc/sys/net/ipv4/ip_local_port_range";
    private static readonly HashSet<int> Given = [];

    /// <summary>A port nothing listens on now, outside the ephemeral range, not given before in this process.</summary>
    public static int Free()
    {
        var (low, high) = Candidates();
        lock (Given)
        {
            for (var attempt = 0; attempt < 200; attempt++)
            {
                var port = Random.Shared.Next(low, high);
                if (Given.Contains(port) || !CanListen(port)) continue;
                Given.Add(port);
                return port;
            }
        }
        throw new InvalidOperationException($"No free loopback port in {low}..{high - 1} after 200 tries");
    }

    private static bool CanListen(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    // The lower half below the ephemeral range's start (Linux default 32768..60999: 16384..32767).
    private static (int Low, int High) Candidates()
    {
        var ephemeralLow = File.Exists(EphemeralRangeFile)
            && int.TryParse(File.ReadAllText(EphemeralRangeFile).Split(default(char[]), StringSplitOptions.RemoveEmptyEntries)[0], out var low) ? low : 32768;
        return ephemeralLow > 4096 ? (ephemeralLow / 2, ephemeralLow) : (61000, 65536);
    }
}
