using Microsoft.Extensions.Logging;
using NginxPulse.Shipper.Tests.Support;
using Xunit;

namespace NginxPulse.Shipper.Tests;

/// <summary>Restarts, a broker outage and a damaged registry: nothing lost, repeats only where the ingest id collapses them (a crash: <see cref="AgentProcessTests"/>).</summary>
public sealed class FaultTests : ShipperTest
{
    private static readonly TimeSpan LongDeadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_graceful_restart_resumes_exactly_at_the_registry_offset()
    {
        var log = AccessLog;
        await ShipAndStopAsync(500);
        Assert.Equal(new FileInfo(log).Length, RegistrySnapshot.Read(Setup.RegistryPath).Values.Single());
        LogLines.Append(log, 501, 800);
        await using var second = await InProcessShipper.StartAsync(Setup);
        await Broker.AssertExactlyOnceAsync(800);
    }

    [Fact]
    public async Task A_30_second_broker_outage_pauses_reading_within_the_bound_and_resumes_by_itself_with_no_loss()
    {
        const int maxInFlight = 500;
        Setup.Config["Kafka"]!["MaxInFlightMessages"] = maxInFlight;
        var log = AccessLog;
        await using var shipper = await StartShippingAsync(1000);

        Broker.Cluster.SetAllBrokersDown();
        var outage = Task.Delay(TimeSpan.FromSeconds(30));   // the outage itself lasts 30 s; nothing waits on a guess
        LogLines.Append(log, 1001, 6000);
        await Eventually.TrueAsync(() => shipper.Budget.Messages == maxInFlight, LongDeadline, "reading to stop at the in-flight bound");
        var peak = 0L;
        while (!outage.IsCompleted)
        {
            peak = Math.Max(peak, shipper.Metrics.LinesRead);
            Assert.InRange(shipper.Budget.Messages, 0, maxInFlight);
            await Task.WhenAny(outage, Task.Delay(100));
        }
        Assert.InRange(peak, 1000, 1000 + maxInFlight + 1);   // + the one line waiting for room
        Broker.Cluster.SetAllBrokersUp();

        await Broker.AssertExactlyOnceAsync(6000, LongDeadline);
        Assert.Single(shipper.Log.Entries, e => e.Message.StartsWith("Kafka unavailable", StringComparison.Ordinal));
        Assert.Contains(shipper.Log.Entries, e => e.Message.StartsWith("Kafka available again", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_corrupt_registry_is_moved_aside_with_a_warning_and_files_are_read_by_the_start_policy()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Setup.RegistryPath)!);
        await File.WriteAllTextAsync(Setup.RegistryPath, "{\"version\":1,\"files\":[{\"fileId\":");
        LogLines.Append(Setup.Log("access.log"), 1, 100);
        await using var shipper = await InProcessShipper.StartAsync(Setup);

        await Broker.AssertExactlyOnceAsync(100);
        Assert.True(shipper.Log.Has(LogLevel.Warning, "is unreadable"));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(Setup.RegistryPath)!, "registry.json.corrupt-*"));
        await Eventually.TrueAsync(() => RegistrySnapshot.Read(Setup.RegistryPath).Values.SingleOrDefault() == new FileInfo(Setup.Log("access.log")).Length,
            LongDeadline, "a fresh registry");
    }

    [Fact]
    public async Task A_missing_registry_resends_by_the_start_policy_with_the_same_file_ids_and_offsets()
    {
        await ShipAndStopAsync(100);
        File.Delete(Setup.RegistryPath);
        await using var second = await InProcessShipper.StartAsync(Setup);

        var events = await Broker.ReadUntilAsync(e => e.Count >= 200, LongDeadline, "the second run");
        Assert.True(second.Log.Has(LogLevel.Warning, "No registry"));
        Assert.All(events.GroupBy(e => e.Seq), g => Assert.Single(g.Select(e => (e.FileId, e.Offset)).Distinct()));
    }
}
