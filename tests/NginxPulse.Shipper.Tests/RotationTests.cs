using NginxPulse.Shipper.Files;
using NginxPulse.Shipper.Tests.Support;
using Xunit;

namespace NginxPulse.Shipper.Tests;

/// <summary>Real files, real renames and truncations, the mock cluster as Kafka: every line ends up in the topic once.</summary>
public sealed class RotationTests : ShipperTest
{
    [Fact]
    public async Task Rename_rotation_finishes_the_old_file_and_follows_the_new_one()
    {
        var log = AccessLog;
        await using var shipper = await StartShippingAsync(500);

        File.Move(log, Setup.Log("access.log.1"));
        LogLines.Append(Setup.Log("access.log.1"), 501, 600);   // nginx writes to the old file until it reopens
        LogLines.Append(log, 601, 1000);

        var events = await Broker.AssertExactlyOnceAsync(1000);
        Assert.Equal(2, events.Select(e => e.FileId).Distinct().Count());
        Assert.All(events.Where(e => e.Seq <= 600), e => Assert.Equal(events.First(x => x.Seq == 1).FileId, e.FileId));
    }

    [Fact]
    public async Task Copytruncate_is_detected_and_the_new_content_is_shipped_under_a_new_identity()
    {
        var log = AccessLog;
        await using var shipper = await StartShippingAsync(400);

        File.Copy(log, Setup.Log("access.log.1"));
        using (var truncate = new FileStream(log, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete)) truncate.SetLength(0);
        LogLines.Append(log, 401, 700);

        var events = await Broker.AssertExactlyOnceAsync(700);
        var before = events.Where(e => e.Seq <= 400).Select(e => e.FileId).Distinct().Single();
        var after = events.Where(e => e.Seq > 400).Select(e => e.FileId).Distinct().Single();
        Assert.NotEqual(before, after);
        Assert.Equal(0, events.Single(e => e.Seq == 401).Offset);
        Assert.Equal(FileStat(log).Inode, ulong.Parse(after.Split(':')[1]));
    }

    [Fact]
    public async Task Copytruncate_lines_not_yet_read_at_the_truncation_are_read_from_the_copy_under_the_old_identity()
    {
        Setup.Config["Kafka"]!["MaxInFlightMessages"] = 100;
        var log = AccessLog;
        await using var shipper = await StartShippingAsync(100);

        // Kafka stalls, so the reader stops at its in-flight bound with most of the next lines unread.
        Broker.Cluster.SetAllBrokersDown();
        LogLines.Append(log, 101, 3000);
        await Eventually.TrueAsync(() => shipper.Budget.Messages == 100, Deadline, "the reader to stop at its bound");
        File.Copy(log, Setup.Log("access.log.1"));
        using (var truncate = new FileStream(log, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete)) truncate.SetLength(0);
        LogLines.Append(log, 3001, 3100);
        Broker.Cluster.SetAllBrokersUp();

        var events = await Broker.AssertExactlyOnceAsync(3100, TimeSpan.FromSeconds(60));
        Assert.Single(events.Where(e => e.Seq <= 3000).Select(e => e.FileId).Distinct());
        Assert.True(shipper.Log.Has(Microsoft.Extensions.Logging.LogLevel.Information, "reading its remaining lines from the copy"));
    }

    [Fact]
    public async Task A_deleted_file_is_read_to_its_end_closed_promptly_and_its_successor_picked_up()
    {
        var log = AccessLog;
        await using var shipper = await StartShippingAsync(300);

        File.Delete(log);
        await Eventually.TrueAsync(() => !OpenDeletedFiles().Any(), TimeSpan.FromSeconds(10), "the deleted file to be closed");
        LogLines.Append(log, 301, 600);

        await Broker.AssertExactlyOnceAsync(600);
    }

    [Fact]
    public async Task A_deleted_file_that_kafka_keeps_from_being_read_is_closed_after_the_grace_with_a_warning()
    {
        Setup.Config["Kafka"]!["MaxInFlightMessages"] = 100;
        Setup.Config["DeletedFileGrace"] = "00:00:01";
        await using var shipper = await StartShippingAsync(10);
        Broker.Cluster.SetAllBrokersDown();
        LogLines.Append(AccessLog, 11, 3000);
        await Eventually.TrueAsync(() => shipper.Budget.Messages == 100, Deadline, "the reader to stop at its bound");

        File.Delete(AccessLog);
        await Eventually.TrueAsync(() => !OpenDeletedFiles().Any(), Deadline, "the deleted file to be closed");
        Assert.True(shipper.Log.Has(Microsoft.Extensions.Logging.LogLevel.Warning, "bytes not shipped"));
        Broker.Cluster.SetAllBrokersUp();
    }

    [Fact]
    public async Task A_reused_inode_with_new_content_is_read_from_its_start_not_from_the_old_offset()
    {
        var log = AccessLog;
        await ShipAndStopAsync(200);
        var inode = FileStat(log).Inode;

        // The same inode now holds another file (what a reused inode looks like to the registry).
        using (var rewrite = new FileStream(log, FileMode.Open, FileAccess.Write, FileShare.ReadWrite)) rewrite.SetLength(0);
        LogLines.Append(log, 201, 260);
        Assert.Equal(inode, FileStat(log).Inode);

        await using var second = await InProcessShipper.StartAsync(Setup);
        var events = await Broker.AssertExactlyOnceAsync(260);
        Assert.Equal(0, events.Single(e => e.Seq == 201).Offset);
        Assert.True(second.Log.Has(Microsoft.Extensions.Logging.LogLevel.Information, "was reused"));
    }

    private static Files.FileStat FileStat(string path) =>
        Files.FileStat.TryGet(path, out var stat) ? stat : throw new FileNotFoundException(path);

    private static IEnumerable<string> OpenDeletedFiles() =>
        new DirectoryInfo("/proc/self/fd").EnumerateFiles()
            .Select(f => { try { return f.LinkTarget; } catch (IOException) { return null; } })
            .Where(t => t is not null && t.Contains("np-shipper-", StringComparison.Ordinal) && t.EndsWith(" (deleted)", StringComparison.Ordinal))!;
}
