using NginxPulse.Shipper.Files;
using NginxPulse.Shipper.Tests.Support;
using Xunit;

namespace NginxPulse.Shipper.Tests;

/// <summary>Real files, real renames and truncations, the mock cluster as Kafka: every line ends up in the topic once.</summary>
public sealed class RotationTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly TestBroker broker = new();
    private readonly ShipperSetup setup;

    public RotationTests() => setup = new ShipperSetup(broker);

    [Fact]
    public async Task Rename_rotation_finishes_the_old_file_and_follows_the_new_one()
    {
        var log = setup.Log("access.log");
        LogLines.Append(log, 1, 500);
        await using var shipper = await InProcessShipper.StartAsync(setup);
        await broker.ReadUntilAsync(e => e.Count >= 100, Deadline, "the first lines");

        File.Move(log, setup.Log("access.log.1"));
        LogLines.Append(setup.Log("access.log.1"), 501, 600);   // nginx writes to the old file until it reopens
        LogLines.Append(log, 601, 1000);

        var events = await broker.AssertExactlyOnceAsync(1000);
        Assert.Equal(2, events.Select(e => e.FileId).Distinct().Count());
        Assert.All(events.Where(e => e.Seq <= 600), e => Assert.Equal(events.First(x => x.Seq == 1).FileId, e.FileId));
    }

    [Fact]
    public async Task Copytruncate_is_detected_and_the_new_content_is_shipped_under_a_new_identity()
    {
        var log = setup.Log("access.log");
        LogLines.Append(log, 1, 400);
        await using var shipper = await InProcessShipper.StartAsync(setup);
        await broker.ReadUntilAsync(e => e.Count >= 400, Deadline, "the lines before the copy");

        File.Copy(log, setup.Log("access.log.1"));
        using (var truncate = new FileStream(log, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete)) truncate.SetLength(0);
        LogLines.Append(log, 401, 700);

        var events = await broker.AssertExactlyOnceAsync(700);
        var before = events.Where(e => e.Seq <= 400).Select(e => e.FileId).Distinct().Single();
        var after = events.Where(e => e.Seq > 400).Select(e => e.FileId).Distinct().Single();
        Assert.NotEqual(before, after);
        Assert.Equal(0, events.Single(e => e.Seq == 401).Offset);
        Assert.Equal(FileStat(log).Inode, ulong.Parse(after.Split(':')[1]));
    }

    [Fact]
    public async Task Copytruncate_lines_not_yet_read_at_the_truncation_are_read_from_the_copy_under_the_old_identity()
    {
        setup.Config["Kafka"]!["MaxInFlightMessages"] = 100;
        var log = setup.Log("access.log");
        LogLines.Append(log, 1, 100);
        await using var shipper = await InProcessShipper.StartAsync(setup);
        await broker.ReadUntilAsync(e => e.Count >= 100, Deadline, "the first lines");

        // Kafka stalls, so the reader stops at its in-flight bound with most of the next lines unread.
        broker.Cluster.SetAllBrokersDown();
        LogLines.Append(log, 101, 3000);
        await Eventually.TrueAsync(() => shipper.Budget.Messages == 100, Deadline, "the reader to stop at its bound");
        File.Copy(log, setup.Log("access.log.1"));
        using (var truncate = new FileStream(log, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete)) truncate.SetLength(0);
        LogLines.Append(log, 3001, 3100);
        broker.Cluster.SetAllBrokersUp();

        var events = await broker.AssertExactlyOnceAsync(3100, TimeSpan.FromSeconds(60));
        Assert.Single(events.Where(e => e.Seq <= 3000).Select(e => e.FileId).Distinct());
        Assert.True(shipper.Log.Has(Microsoft.Extensions.Logging.LogLevel.Information, "reading its remaining lines from the copy"));
    }

    [Fact]
    public async Task A_deleted_file_is_read_to_its_end_closed_promptly_and_its_successor_picked_up()
    {
        var log = setup.Log("access.log");
        LogLines.Append(log, 1, 300);
        await using var shipper = await InProcessShipper.StartAsync(setup);
        await broker.ReadUntilAsync(e => e.Count >= 300, Deadline, "the first file");

        File.Delete(log);
        await Eventually.TrueAsync(() => !OpenDeletedFiles().Any(), TimeSpan.FromSeconds(10), "the deleted file to be closed");
        LogLines.Append(log, 301, 600);

        await broker.AssertExactlyOnceAsync(600);
    }

    [Fact]
    public async Task A_reused_inode_with_new_content_is_read_from_its_start_not_from_the_old_offset()
    {
        var log = setup.Log("access.log");
        LogLines.Append(log, 1, 200);
        await using (var first = await InProcessShipper.StartAsync(setup))
        {
            await broker.ReadUntilAsync(e => e.Count >= 200, Deadline, "the first content");
        }
        var inode = FileStat(log).Inode;

        // The same inode now holds another file (what a reused inode looks like to the registry).
        using (var rewrite = new FileStream(log, FileMode.Open, FileAccess.Write, FileShare.ReadWrite)) rewrite.SetLength(0);
        LogLines.Append(log, 201, 260);
        Assert.Equal(inode, FileStat(log).Inode);

        await using var second = await InProcessShipper.StartAsync(setup);
        var events = await broker.AssertExactlyOnceAsync(260);
        Assert.Equal(0, events.Single(e => e.Seq == 201).Offset);
        Assert.True(second.Log.Has(Microsoft.Extensions.Logging.LogLevel.Information, "was reused"));
    }

    private static Files.FileStat FileStat(string path) =>
        Files.FileStat.TryGet(path, out var stat) ? stat : throw new FileNotFoundException(path);

    private static IEnumerable<string> OpenDeletedFiles() =>
        new DirectoryInfo("/proc/self/fd").EnumerateFiles()
            .Select(f => { try { return f.LinkTarget; } catch (IOException) { return null; } })
            .Where(t => t is not null && t.Contains("np-shipper-", StringComparison.Ordinal) && t.EndsWith(" (deleted)", StringComparison.Ordinal))!;

    public void Dispose()
    {
        setup.Dispose();
        broker.Dispose();
    }
}
