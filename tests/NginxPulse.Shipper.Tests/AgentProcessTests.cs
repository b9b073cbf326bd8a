using System.Text.Json.Nodes;
using NginxPulse.Functions.Events;
using NginxPulse.Shipper.Tests.Support;
using Xunit;

namespace NginxPulse.Shipper.Tests;

/// <summary>
/// The agent as its own process, as an operator runs it: start-up errors and exit codes, backfill mode, a crash and
/// a restart, hot reload, /metrics, SIGTERM. Run against the build's executable (JIT) and against the published
/// Native AOT executable, which is what the Dockerfile and the systemd install ship.
/// </summary>
public abstract class AgentProcessTests : ShipperTest
{
    private static readonly TimeSpan LongDeadline = TimeSpan.FromSeconds(60);

    /// <summary>The executable under test.</summary>
    protected abstract string AgentPath { get; }

    private ChildProcess StartAgent(params string[] args) => ChildProcess.Start(AgentPath, args, new Dictionary<string, string?>());

    [Fact]
    public async Task A_bad_configuration_stops_the_start_naming_every_bad_setting()
    {
        Setup.Config["Kafka"]!["BootstrapServers"] = "";
        Setup.FirstInput["Paths"] = new JsonArray("logs/*.log");
        Setup.FirstInput["MaxLineBytes"] = 10;
        Setup.WriteConfig();
        using var process = StartAgent("--config", Setup.ConfigPath, "--Inputs:0:Encoding=ebcdic");
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
        using var process = StartAgent("--config", Setup.ConfigPath, "--Kafka:Properties:no.such.property=1");
        await process.WaitForExitAsync(Deadline);
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("Kafka settings rejected by librdkafka", process.StandardError);
        Assert.Contains("no.such.property", process.StandardError);
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

        using (var backfill = StartAgent("--config", Setup.ConfigPath, "--exit-at-eof", one, two))
        {
            await backfill.WaitForExitAsync(Deadline);
            Assert.True(backfill.ExitCode == 0, backfill.StandardError);
            Assert.Contains("backfill: ", backfill.StandardError);
            Assert.Contains("(100.0%)", backfill.StandardError);
        }
        await Broker.AssertExactlyOnceAsync(5000);

        LogLines.Append(two, 5001, 5100);
        using (var again = StartAgent("--config", Setup.ConfigPath, "--exit-at-eof", one, two))
        {
            await again.WaitForExitAsync(Deadline);
            Assert.Equal(0, again.ExitCode);
        }
        await Broker.AssertExactlyOnceAsync(5100);
    }

    [Fact]
    public async Task What_a_backfill_writes_the_ingest_decodes_line_for_line_with_tags_fields_and_truncation()
    {
        Setup.Config["Host"] = "edge-7";
        var log = Setup.Log("access.log");
        var lines = ContractLines.Create();
        ContractLines.Append(log, lines);
        Setup.WriteConfig();

        using (var backfill = StartAgent("--config", Setup.ConfigPath, "--exit-at-eof", log,
            $"--Inputs:0:MaxLineBytes={ContractLines.MaxLineBytes}", "--Inputs:0:Tags:0=edge", "--Inputs:0:Fields:vhost=www.example.com"))
        {
            await backfill.WaitForExitAsync(Deadline);
            Assert.True(backfill.ExitCode == 0, backfill.StandardError);
        }
        await Broker.ReadUntilAsync(e => e.Count >= 3, Deadline, "three events");

        var decoder = new EventDecoder();
        var decoded = Broker.RawMessages.Select(m =>
        {
            Assert.True(decoder.TryDecode(IngestMessages.From(m), out var e, out var error), error);
            return e!;
        }).OrderBy(e => e.FileOffset).ToList();
        var offset = 0L;
        foreach (var (line, e) in lines.Zip(decoded))
        {
            Assert.Equal(EventFormat.ShipperEnvelope, e.Format);
            Assert.Equal(("edge-7", log, offset), (e.Host, e.FilePath, e.FileOffset!.Value));
            var truncated = line.Length > ContractLines.MaxLineBytes;
            Assert.Equal(truncated ? line[..ContractLines.MaxLineBytes] : line, e.Line.ToArray());
            Assert.Equal(truncated, e.Truncated);
            Assert.Equal(["edge"], e.Tags);
            Assert.Equal("www.example.com", e.Fields["vhost"]);
            offset += line.Length + 1;
        }
        Assert.Single(decoded.Select(e => e.FileIdentity).Distinct());
    }

    [Fact]
    public async Task Sigkill_mid_stream_loses_nothing_and_repeats_only_lines_past_the_registry_with_their_first_coordinates()
    {
        var log = Setup.Log("access.log");
        Setup.WriteConfig();
        long registryAtKill;
        using (var first = StartAgent("--config", Setup.ConfigPath))
        {
            LogLines.Append(log, 1, 20_000);
            await Eventually.TrueAsync(() => Task.FromResult(RegistrySnapshot.Read(Setup.RegistryPath).Values.Sum() > 0), LongDeadline, () => "a registry save\n" + first.StandardError);
            LogLines.Append(log, 20_001, 40_000);
        }   // disposing kills it: SIGKILL, no flush, no registry save
        registryAtKill = RegistrySnapshot.Read(Setup.RegistryPath).Values.Single();
        Assert.InRange(registryAtKill, 1, new FileInfo(log).Length);

        using var second = StartAgent("--config", Setup.ConfigPath);
        var events = await Broker.ReadUntilAsync(e => e.Select(x => x.Seq).Distinct().Count() >= 40_000, LongDeadline, "all 40000 lines after the restart");
        Assert.Equal(Enumerable.Range(1, 40_000), events.Select(e => e.Seq).Distinct().Order());
        foreach (var repeated in events.GroupBy(e => e.Seq).Where(g => g.Count() > 1))
        {
            // Same fileId and offset: the ingest id hash(host, fileId, offset) is the same, so it is stored once.
            Assert.Single(repeated.Select(e => (e.Host, e.FileId, e.Offset)).Distinct());
            Assert.True(repeated.First().Offset >= registryAtKill, $"line {repeated.Key} at {repeated.First().Offset} was acknowledged in the registry ({registryAtKill}) yet sent again");
        }

        second.Terminate();
        await second.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, second.ExitCode);
        Assert.Equal(new FileInfo(log).Length, RegistrySnapshot.Read(Setup.RegistryPath).Values.Single());
    }

    [Fact]
    public async Task A_running_agent_applies_a_changed_configuration_file_reports_in_its_metrics_and_saves_the_registry_on_sigterm()
    {
        var port = LoopbackPort.Free();
        Setup.Config["Metrics"]!["Port"] = port;
        var first = Setup.Log("access.log");
        var second = Setup.Log("api.log");
        LogLines.Append(first, 1, 100);
        LogLines.Append(second, 101, 150);
        Setup.WriteConfig();
        using var agent = StartAgent("--config", Setup.ConfigPath);
        await Broker.AssertExactlyOnceAsync(100, LongDeadline);

        Setup.Inputs.Add(ShipperSetup.Input("api", second));
        Setup.Inputs[1]!["Tags"] = new JsonArray("api");
        Setup.WriteConfig();
        var events = await Broker.AssertExactlyOnceAsync(150, LongDeadline);
        Assert.All(events.Where(e => e.Seq > 100), e => Assert.Equal(["api"], e.Tags));
        Assert.All(events.Where(e => e.Seq <= 100), e => Assert.Empty(e.Tags));

        var text = await MetricsScrape.UntilAsync(port, "nginxpulse_shipper_lines_acknowledged_total 150", Deadline, () => agent.StandardError);
        Assert.Matches($"nginxpulse_shipper_file_lag_bytes\\{{path=\"{second}\",file_id=\"[0-9a-f:]+\",input=\"api\"\\}} 0\n", text);

        agent.Terminate();
        await agent.WaitForExitAsync(Deadline);
        Assert.True(agent.ExitCode == 0, agent.StandardError);
        Assert.Equal(new[] { new FileInfo(first).Length, new FileInfo(second).Length }.Order(), RegistrySnapshot.Read(Setup.RegistryPath).Values.Order());
    }
}

/// <summary>The build's executable: JIT-compiled on the .NET 10 runtime, as <c>dotnet run</c> and the tests run the agent.</summary>
public sealed class BuiltAgentProcessTests : AgentProcessTests
{
    protected override string AgentPath => Path.Combine(AppContext.BaseDirectory, "NginxPulse.Shipper");
}

/// <summary>The published Native AOT executable, as the Dockerfile and the systemd install ship it.</summary>
public sealed class NativeAgentProcessTests(NativeAgentBuild build) : AgentProcessTests, IClassFixture<NativeAgentBuild>
{
    protected override string AgentPath => build.ExecutablePath;
}
