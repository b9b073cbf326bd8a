using System.Net;
using NginxPulse.Shipper.Tests.Support;
using Xunit;

namespace NginxPulse.Shipper.Tests;

/// <summary>The metrics endpoint of the agent in the test process (the agent as its own process: <see cref="AgentProcessTests"/>).</summary>
public sealed class OperationsTests : ShipperTest
{
    [Fact]
    public async Task Metrics_report_lines_acknowledgements_and_lag_per_file()
    {
        var port = LoopbackPort.Free();
        Setup.Config["Metrics"]!["Port"] = port;
        LogLines.Append(Setup.Log("access.log"), 1, 25);
        LogLines.AppendBytes(Setup.Log("access.log"), "partial"u8.ToArray());
        await using var shipper = await InProcessShipper.StartAsync(Setup);
        await Broker.AssertExactlyOnceAsync(25);

        var text = await MetricsScrape.UntilAsync(port, "nginxpulse_shipper_lines_acknowledged_total 25", Deadline, () => string.Join("\n", shipper.Log.Entries.Select(e => $"{e.Level}: {e.Message}")));
        Assert.Contains("nginxpulse_shipper_lines_read_total 25\n", text);
        Assert.Contains("nginxpulse_shipper_in_flight_messages 0\n", text);
        Assert.Contains("# TYPE nginxpulse_shipper_errors_total counter", text);
        Assert.Matches($"nginxpulse_shipper_file_lag_bytes\\{{path=\"{Setup.Log("access.log")}\",file_id=\"[0-9a-f:]+\",input=\"access\"\\}} 7\n", text);
        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"http://127.0.0.1:{port}/other")).StatusCode);
    }
}
