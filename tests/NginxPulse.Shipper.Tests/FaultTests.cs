using Microsoft.Extensions.Logging;
using NginxPulse.Shipper.Tests.Support;
using Xunit;

namespace NginxPulse.Shipper.Tests;

/// <summary>Restarts, crashes, a broker outage and a damaged registry: nothing lost, repeats only where the ingest id collapses them.</summary>
public sealed class FaultTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly TestBroker broker = new();
    private readonly ShipperSetup setup;

    public FaultTests() => setup = new ShipperSetup(broker);

    private static string ShipperPath => Path.Combine(AppContext.BaseDirectory, "NginxPulse.Shipper");

    [Fact]
    public async Task A_graceful_restart_resumes_exactly_at_the_registry_offset()
    {
        var log = setup.Log("access.log");
        LogLines.Append(log, 1, 500);
        await using (var first = await InProcessShipper.StartAsync(setup))
        {
            await broker.ReadUntilAsync(e => e.Count >= 500, Deadline, "the first run");
        }
        Assert.Equal(new FileInfo(log).Length, RegistrySnapshot.Read(setup.RegistryPath).Values.Single());
        LogLines.Append(log, 501, 800);
        await using var second = await InProcessShipper.StartAsync(setup);
        await broker.AssertExactlyOnceAsync(800);
    }

    [Fact]
    public async Task Sigkill_mid_stream_loses_nothing_and_repeats_only_lines_past_the_registry_with_their_first_coordinates()
    {
        var log = setup.Log("access.log");
        setup.WriteConfig();
        long registryAtKill;
        using (var first = ChildProcess.Start(ShipperPath, ["--config", setup.ConfigPath], new Dictionary<string, string?>()))
        {
            LogLines.Append(log, 1, 20_000);
            await Eventually.TrueAsync(() => Task.FromResult(RegistrySnapshot.Read(setup.RegistryPath).Values.Sum() > 0), Deadline, () => "a registry save\n" + first.StandardError);
            LogLines.Append(log, 20_001, 40_000);
        }   // disposing kills it: SIGKILL, no flush, no registry save
        registryAtKill = RegistrySnapshot.Read(setup.RegistryPath).Values.Single();
        Assert.InRange(registryAtKill, 1, new FileInfo(log).Length);

        using var second = ChildProcess.Start(ShipperPath, ["--config", setup.ConfigPath], new Dictionary<string, string?>());
        var events = await broker.ReadUntilAsync(e => e.Select(x => x.Seq).Distinct().Count() >= 40_000, Deadline, "all 40000 lines after the restart");
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
        Assert.Equal(new FileInfo(log).Length, RegistrySnapshot.Read(setup.RegistryPath).Values.Single());
    }

    [Fact]
    public async Task A_30_second_broker_outage_pauses_reading_within_the_bound_and_resumes_by_itself_with_no_loss()
    {
        const int maxInFlight = 500;
        setup.Config["Kafka"]!["MaxInFlightMessages"] = maxInFlight;
        var log = setup.Log("access.log");
        LogLines.Append(log, 1, 1000);
        await using var shipper = await InProcessShipper.StartAsync(setup);
        await broker.ReadUntilAsync(e => e.Count >= 1000, Deadline, "the lines before the outage");

        broker.Cluster.SetAllBrokersDown();
        var outage = Task.Delay(TimeSpan.FromSeconds(30));   // the outage itself lasts 30 s; nothing waits on a guess
        LogLines.Append(log, 1001, 6000);
        await Eventually.TrueAsync(() => shipper.Budget.Messages == maxInFlight, Deadline, "reading to stop at the in-flight bound");
        var peak = 0L;
        while (!outage.IsCompleted)
        {
            peak = Math.Max(peak, shipper.Metrics.LinesRead);
            Assert.InRange(shipper.Budget.Messages, 0, maxInFlight);
            await Task.WhenAny(outage, Task.Delay(100));
        }
        Assert.InRange(peak, 1000, 1000 + maxInFlight + 1);   // + the one line waiting for room
        broker.Cluster.SetAllBrokersUp();

        await broker.AssertExactlyOnceAsync(6000, Deadline);
        Assert.Single(shipper.Log.Entries, e => e.Message.StartsWith("Kafka unavailable", StringComparison.Ordinal));
        Assert.Contains(shipper.Log.Entries, e => e.Message.StartsWith("Kafka available again", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_corrupt_registry_is_moved_aside_with_a_warning_and_files_are_read_by_the_start_policy()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(setup.RegistryPath)!);
        await File.WriteAllTextAsync(setup.RegistryPath, "{\"version\":1,\"files\":[{\"fileId\":");
        LogLines.Append(setup.Log("access.log"), 1, 100);
        await using var shipper = await InProcessShipper.StartAsync(setup);

        await broker.AssertExactlyOnceAsync(100);
        Assert.True(shipper.Log.Has(LogLevel.Warning, "is unreadable"));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(setup.RegistryPath)!, "registry.json.corrupt-*"));
        await Eventually.TrueAsync(() => RegistrySnapshot.Read(setup.RegistryPath).Values.SingleOrDefault() == new FileInfo(setup.Log("access.log")).Length,
            Deadline, "a fresh registry");
    }

    [Fact]
    public async Task A_missing_registry_resends_by_the_start_policy_with_the_same_file_ids_and_offsets()
    {
        LogLines.Append(setup.Log("access.log"), 1, 100);
        await using (var first = await InProcessShipper.StartAsync(setup))
        {
            await broker.ReadUntilAsync(e => e.Count >= 100, Deadline, "the first run");
        }
        File.Delete(setup.RegistryPath);
        await using var second = await InProcessShipper.StartAsync(setup);

        var events = await broker.ReadUntilAsync(e => e.Count >= 200, Deadline, "the second run");
        Assert.True(second.Log.Has(LogLevel.Warning, "No registry"));
        Assert.All(events.GroupBy(e => e.Seq), g => Assert.Single(g.Select(e => (e.FileId, e.Offset)).Distinct()));
    }

    public void Dispose()
    {
        setup.Dispose();
        broker.Dispose();
    }
}
