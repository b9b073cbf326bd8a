using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using NginxPulse.Shipper.Tests.Support;
using Xunit;

namespace NginxPulse.Shipper.Tests;

/// <summary>The agent as an operator meets it: start-up errors, the metrics endpoint, backfill mode.</summary>
public sealed class OperationsTests : ShipperTest
{
    [Fact]
    public async Task A_bad_configuration_stops_the_start_naming_every_bad_setting()
    {
        Setup.Config["Kafka"]!["BootstrapServers"] = "";
        Setup.FirstInput["Paths"] = new JsonArray("logs/*.log");
        Setup.FirstInput["MaxLineBytes"] = 10;
        Setup.WriteConfig();
        using var process = StartProcess("--config", Setup.ConfigPath, "--Inputs:0:Encoding=ebcdic");
        await process.WaitForExitAsync(Deadline);

        Assert.Equal(2, process.ExitCode);
        Assert.Contains("cannot start", process.StandardError);
        Assert.Contains("Kafka:BootstrapServers is required", process.StandardError);
        Assert.Contains("Inputs:0:Paths 'logs/*.log' must be an absolute path", process.StandardError);
        Assert.Contains("Inputs:0:MaxLineBytes must be between", process.StandardError);
        Assert.Contains("Inputs:0:Encoding 'ebcdic' is not supported", process.StandardError);
    }

    [Fact]
    public async Task A_librdkafka_setting_it_rejects_stops_the_start_with_librdkafkas_reason()
    {
        Setup.WriteConfig();
        using var process = StartProcess("--config", Setup.ConfigPath, "--Kafka:Properties:no.such.property=1");
        await process.WaitForExitAsync(Deadline);
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("Kafka settings rejected by librdkafka", process.StandardError);
        Assert.Contains("no.such.property", process.StandardError);
    }

    [Fact]
    public async Task Metrics_report_lines_acknowledgements_and_lag_per_file()
    {
        var port = FreePort();
        Setup.Config["Metrics"]!["Port"] = port;
        LogLines.Append(Setup.Log("access.log"), 1, 25);
        LogLines.AppendBytes(Setup.Log("access.log"), "partial"u8.ToArray());
        await using var shipper = await InProcessShipper.StartAsync(Setup);
        await Broker.AssertExactlyOnceAsync(25);

        using var http = new HttpClient();
        string text = "";
        await Eventually.TrueAsync(async () =>
        {
            text = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics");
            return text.Contains("nginxpulse_shipper_lines_acknowledged_total 25\n", StringComparison.Ordinal);
        }, Deadline, () => "25 acknowledged lines in the metrics:\n" + text);
        Assert.Contains("nginxpulse_shipper_lines_read_total 25\n", text);
        Assert.Contains("nginxpulse_shipper_in_flight_messages 0\n", text);
        Assert.Contains("# TYPE nginxpulse_shipper_errors_total counter", text);
        Assert.Matches($"nginxpulse_shipper_file_lag_bytes\\{{path=\"{Setup.Log("access.log")}\",file_id=\"[0-9a-f:]+\",input=\"access\"\\}} 7\n", text);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"http://127.0.0.1:{port}/other")).StatusCode);
    }

    [Fact]
    public async Task Backfill_ships_the_given_files_exits_zero_when_acknowledged_and_resumes_from_the_registry()
    {
        var one = Setup.Log("old-1.log");
        var two = Setup.Log("old-2.log");
        LogLines.Append(one, 1, 3000);
        LogLines.Append(two, 3001, 5000);
        Setup.Inputs.Clear();
        Setup.WriteConfig();

        using (var backfill = StartProcess("--config", Setup.ConfigPath, "--exit-at-eof", one, two))
        {
            await backfill.WaitForExitAsync(Deadline);
            Assert.True(backfill.ExitCode == 0, backfill.StandardError);
            Assert.Contains("backfill: ", backfill.StandardError);
            Assert.Contains("(100.0%)", backfill.StandardError);
        }
        await Broker.AssertExactlyOnceAsync(5000);

        LogLines.Append(two, 5001, 5100);
        using (var again = StartProcess("--config", Setup.ConfigPath, "--exit-at-eof", one, two))
        {
            await again.WaitForExitAsync(Deadline);
            Assert.Equal(0, again.ExitCode);
        }
        await Broker.AssertExactlyOnceAsync(5100);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
