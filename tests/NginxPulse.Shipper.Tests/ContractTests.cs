using System.Text;
using System.Text.Json.Nodes;
using NginxPulse.Functions.Cleaning;
using NginxPulse.Functions.Events;
using NginxPulse.Functions.IngestAccessLogs;
using NginxPulse.Functions.Kafka;
using NginxPulse.Functions.Parsing;
using NginxPulse.Shipper.Tests.Support;
using Xunit;

namespace NginxPulse.Shipper.Tests;

/// <summary>
/// The only coupling between shipper and functions is the event on the topic: what the real shipper writes for real
/// lines is what IngestAccessLogs decodes, and a line sent twice gets the same record id.
/// </summary>
public sealed class ContractTests : ShipperTest
{
    [Fact]
    public async Task What_the_shipper_writes_decodes_into_the_expected_log_event()
    {
        Setup.FirstInput["MaxLineBytes"] = ContractLines.MaxLineBytes;
        Setup.FirstInput["Tags"] = new JsonArray("edge");
        Setup.FirstInput["Fields"] = new JsonObject { ["vhost"] = "www.example.com" };
        var log = Setup.Log("access.log");
        var lines = ContractLines.Create();
        ContractLines.Append(log, lines);
        await using var shipper = await InProcessShipper.StartAsync(Setup);
        await Broker.ReadUntilAsync(e => e.Count >= 3, Deadline, "three events");

        var bySeq = Broker.RawMessages.Zip(Broker.Events).ToDictionary(p => p.Second.Seq, p => p.First);
        var decoder = new EventDecoder();
        var offset = 0L;
        var fileId = Broker.Events[0].FileId;
        foreach (var (line, seq) in lines.Select((l, i) => (l, i + 1)))
        {
            Assert.True(decoder.TryDecode(IngestMessages.From(bySeq[seq]), out var decoded, out var error), error);
            var e = decoded!;
            Assert.Equal(EventFormat.ShipperEnvelope, e.Format);
            Assert.Equal(("test-host", log, fileId, offset), (e.Host, e.FilePath, e.FileIdentity, e.FileOffset!.Value));
            Assert.Equal(seq == 3 ? line[..ContractLines.MaxLineBytes] : line, e.Line.ToArray());
            Assert.Equal(seq == 3, e.Truncated);
            Assert.Equal(["edge"], e.Tags);
            Assert.Equal("www.example.com", e.Fields["vhost"]);
            Assert.NotNull(e.ReadTimeUtc);
            offset += line.Length + 1;
        }
    }

    [Fact]
    public async Task An_input_without_tags_or_fields_decodes_into_empty_ones_and_an_uncut_line_as_not_truncated()
    {
        var log = Setup.Log("access.log");
        LogLines.Append(log, 1, 1);
        await using var shipper = await InProcessShipper.StartAsync(Setup);
        await Broker.ReadUntilAsync(e => e.Count >= 1, Deadline, "one event");

        Assert.True(new EventDecoder().TryDecode(IngestMessages.From(Broker.RawMessages[0]), out var decoded, out var error), error);
        Assert.Equal(EventFormat.ShipperEnvelope, decoded!.Format);
        Assert.Equal((0, 0, false), (decoded.Tags.Count, decoded.Fields.Count, decoded.Truncated));
        Assert.Equal(LogLines.Line(1), Encoding.UTF8.GetString(decoded.Line.Span));
    }

    [Fact]
    public async Task A_line_shipped_twice_gets_the_same_record_id_at_the_ingest()
    {
        await ShipAndStopAsync(50);
        File.Delete(Setup.RegistryPath);   // the agent forgets what it sent: every line goes out again
        await using var second = await InProcessShipper.StartAsync(Setup);
        await Broker.ReadUntilAsync(e => e.Count >= 100, Deadline, "the second emission");

        var pipeline = new AccessLogPipeline(new EventDecoder(), new FormatSelector(new ParsingOptions()),
            new RecordCleaner(new ClientIpResolver(ClientIpResolver.DefaultTrustedProxies.Select(IpNetwork.Parse).ToList())), TimeProvider.System);
        var items = pipeline.Process(new KafkaBatch("contract", Broker.RawMessages.Select(IngestMessages.From).ToList()));
        Assert.All(items, i => Assert.NotNull(i.Record));
        var idsBySeq = items.Zip(Broker.Events).GroupBy(p => p.Second.Seq, p => Convert.ToHexString(p.First.Record!.Id)).ToList();
        Assert.Equal(50, idsBySeq.Count);
        Assert.All(idsBySeq, g => Assert.Equal(2, g.Count()));
        Assert.All(idsBySeq, g => Assert.Single(g.Distinct()));
        Assert.Equal(50, idsBySeq.Select(g => g.First()).Distinct().Count());
    }
}
