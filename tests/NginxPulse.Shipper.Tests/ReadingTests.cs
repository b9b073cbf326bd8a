using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using NginxPulse.Shipper.Tests.Support;
using Xunit;

namespace NginxPulse.Shipper.Tests;

/// <summary>What a line becomes: complete lines only, cut and flagged when huge, raw bytes kept when not UTF-8.</summary>
public sealed class ReadingTests : ShipperTest
{
    [Fact]
    public async Task A_partial_last_line_waits_for_its_newline_and_then_ships_whole()
    {
        var log = Setup.Log("access.log");
        LogLines.Append(log, 1, 1);
        var second = LogLines.Line(2);
        LogLines.AppendBytes(log, Encoding.UTF8.GetBytes(second[..20]));
        await using var shipper = await InProcessShipper.StartAsync(Setup);
        await Broker.ReadUntilAsync(e => e.Count >= 1, Deadline, "the complete first line");
        await Eventually.TrueAsync(() => shipper.Shipper.OpenTails.Any(t => t.PendingBytes == 20), Deadline, "the partial line to be read and held back");
        Assert.Equal(1, Broker.StoredCount());

        LogLines.AppendBytes(log, Encoding.UTF8.GetBytes(second[20..] + "\n"));
        var events = await Broker.AssertExactlyOnceAsync(2);
        Assert.Equal(second, events.Single(e => e.Seq == 2).Text);
        Assert.Equal(LogLines.Line(1).Length + 1, events.Single(e => e.Seq == 2).Offset);
    }

    [Fact]
    public async Task Huge_lines_are_cut_at_the_maximum_and_flagged_never_dropped()
    {
        Setup.FirstInput["MaxLineBytes"] = 1000;
        var log = Setup.Log("access.log");
        var huge = "seq=2 " + new string('h', 5000);
        var enormous = "seq=3 " + new string('e', 300_000);   // longer than one read of the file
        File.WriteAllText(log, LogLines.Line(1) + "\n" + huge + "\n" + enormous + "\n" + LogLines.Line(4) + "\n");
        await using var shipper = await InProcessShipper.StartAsync(Setup);

        var events = await Broker.AssertExactlyOnceAsync(4);
        var (two, three, four) = (events.Single(e => e.Seq == 2), events.Single(e => e.Seq == 3), events.Single(e => e.Seq == 4));
        Assert.True(two.Truncated && three.Truncated);
        Assert.Equal(huge[..1000], two.Text);
        Assert.Equal(enormous[..1000], three.Text);
        Assert.False(four.Truncated);
        Assert.Equal(Encoding.UTF8.GetByteCount(LogLines.Line(1) + huge + enormous) + 3, four.Offset);
        Assert.Equal(2, shipper.Metrics.LinesTruncated);
    }

    [Fact]
    public async Task An_event_over_the_message_size_limit_is_reported_and_passed_over_and_the_lines_after_it_ship()
    {
        Setup.Config["Kafka"]!["Properties"]!["message.max.bytes"] = "3000";
        Setup.FirstInput["MaxLineBytes"] = 10_000;
        var log = Setup.Log("access.log");
        File.WriteAllText(log, LogLines.Line(1) + "\n" + "seq=2 " + new string('b', 5000) + "\n" + LogLines.Line(3) + "\n");
        await using var shipper = await InProcessShipper.StartAsync(Setup);

        await Broker.ReadUntilAsync(e => e.Any(x => x.Seq == 3), Deadline, "the line after the oversized one");
        Assert.Equal([1, 3], Broker.Events.Select(e => e.Seq).Order());
        Assert.True(shipper.Log.Has(LogLevel.Error, "exceeds the broker's message size limit"));
        Assert.True(shipper.Metrics.Errors > 0);
        await Eventually.TrueAsync(() => RegistrySnapshot.Read(Setup.RegistryPath).Values.SingleOrDefault() == new FileInfo(log).Length, Deadline, "the registry to pass the oversized line");
    }

    [Fact]
    public async Task Bytes_that_are_not_utf8_travel_raw_as_base64_and_utf8_travels_as_text()
    {
        var log = Setup.Log("access.log");
        var latin = Encoding.UTF8.GetBytes("seq=1 GET /caf").Concat(new byte[] { 0xE9, 0xFF, 0x00 }).ToArray();
        LogLines.AppendBytes(log, [.. latin, (byte)'\n', .. Encoding.UTF8.GetBytes("seq=2 GET /café/日本 \"q\\x22\"\n")]);
        await using var shipper = await InProcessShipper.StartAsync(Setup);

        var events = await Broker.AssertExactlyOnceAsync(2);
        var raw = events.Single(e => e.Seq == 1);
        Assert.True(raw.UsedBase64);
        Assert.Equal(latin, raw.Line);
        var text = events.Single(e => e.Seq == 2);
        Assert.False(text.UsedBase64);
        Assert.Equal("seq=2 GET /café/日本 \"q\\x22\"", text.Text);
    }

    [Fact]
    public async Task Latin1_input_is_transcoded_to_utf8_text()
    {
        Setup.FirstInput["Encoding"] = "latin1";
        LogLines.AppendBytes(Setup.Log("access.log"), [.. Encoding.ASCII.GetBytes("seq=1 caf"), 0xE9, (byte)'\n']);
        await using var shipper = await InProcessShipper.StartAsync(Setup);
        var events = await Broker.AssertExactlyOnceAsync(1);
        Assert.Equal("seq=1 café", events[0].Text);
        Assert.False(events[0].UsedBase64);
    }

    [Fact]
    public async Task A_file_appended_faster_than_shipped_arrives_complete_within_the_in_flight_bound()
    {
        Setup.Config["Kafka"]!["MaxInFlightMessages"] = 200;
        var log = Setup.Log("access.log");
        await using var shipper = await InProcessShipper.StartAsync(Setup);
        var peak = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested) { peak = Math.Max(peak, shipper.Budget.Messages); await Task.Yield(); }
        });
        for (var block = 0; block < 20; block++) LogLines.Append(log, block * 1000 + 1, block * 1000 + 1000);

        var events = await Broker.AssertExactlyOnceAsync(20_000, TimeSpan.FromSeconds(60));
        await sampling.CancelAsync();
        await sampler;
        Assert.InRange(peak, 1, 200);
        Assert.All(events, e => Assert.Equal("test-host", e.Key));
        Assert.Single(events.Select(e => e.Partition).Distinct());
    }

    [Fact]
    public async Task Tags_fields_topic_host_and_offsets_are_written_into_each_event()
    {
        Setup.FirstInput["Tags"] = new JsonArray("edge", "eu");
        Setup.FirstInput["Fields"] = new JsonObject { ["vhost"] = "www.example.com", ["dc"] = "fra1" };
        var log = Setup.Log("access.log");
        LogLines.Append(log, 1, 3);
        await using var shipper = await InProcessShipper.StartAsync(Setup);

        var events = await Broker.AssertExactlyOnceAsync(3);
        var length = LogLines.Line(1).Length + 1;
        foreach (var e in events.OrderBy(e => e.Seq))
        {
            Assert.Equal(("test-host", "test-host", log), (e.Key, e.Host, e.File));
            Assert.Equal(["edge", "eu"], e.Tags);
            Assert.Equal("www.example.com", e.Fields["vhost"]);
            Assert.Equal(LogLines.Line(e.Seq), e.Text);
        }
        Assert.Equal(0, events.Single(e => e.Seq == 1).Offset);
        Assert.Equal(length, events.Single(e => e.Seq == 2).Offset);
        Assert.Matches("^[0-9]+:[0-9]+:[0-9a-f]{32}$", events[0].FileId);
    }

    [Fact]
    public async Task Start_at_end_skips_what_a_file_held_at_first_start_and_ships_what_follows()
    {
        Setup.FirstInput["StartAt"] = "End";
        var log = Setup.Log("access.log");
        LogLines.Append(log, 1, 50);
        await using var shipper = await InProcessShipper.StartAsync(Setup);
        await Eventually.TrueAsync(() => shipper.Shipper.OpenTails.Any(), Deadline, "the file to be opened");
        LogLines.Append(log, 51, 80);

        var events = await Broker.ReadUntilAsync(e => e.Any(x => x.Seq == 80), Deadline, "line 80");
        Assert.Equal(Enumerable.Range(51, 30), events.Select(e => e.Seq).Order());
    }

    [Fact]
    public async Task Globs_pick_up_new_files_within_a_scan_and_excludes_are_never_read()
    {
        Setup.FirstInput["Paths"] = new JsonArray(Path.Combine(Setup.LogDir, "*.log"), Path.Combine(Setup.LogDir, "**", "*.access.log"));
        Setup.FirstInput["Exclude"] = new JsonArray("debug*.log");
        LogLines.Append(Setup.Log("a.log"), 1, 10);
        await using var shipper = await InProcessShipper.StartAsync(Setup);
        await Broker.ReadUntilAsync(e => e.Count >= 10, Deadline, "a.log");

        Directory.CreateDirectory(Setup.Log("vhosts"));
        LogLines.Append(Setup.Log("debug-1.log"), 1000, 1010);
        LogLines.Append(Setup.Log("b.log"), 11, 20);
        LogLines.Append(Path.Combine(Setup.Log("vhosts"), "shop.access.log"), 21, 30);

        var events = await Broker.AssertExactlyOnceAsync(30);
        Assert.DoesNotContain(events, e => e.File.Contains("debug", StringComparison.Ordinal));
    }
}
