using NginxPulse.Functions.Kafka;
using NginxPulse.Functions.Parsing;
using NginxPulse.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace NginxPulse.Tests.Parsing;

/// <summary>The 55 hardest real lines: each becomes a record or a dead letter, and none throws.</summary>
public class EdgeCaseTests(ITestOutputHelper output)
{
    private static List<(string Comment, byte[] Line)> Cases()
    {
        var lines = RealLogTests.SplitLines(File.ReadAllBytes(SharedData.File("edge-cases.txt")));
        var cases = new List<(string, byte[])>();
        for (var i = 0; i < lines.Count; i++)
        {
            var text = System.Text.Encoding.UTF8.GetString(lines[i]);
            if (text.StartsWith("# [") && i + 1 < lines.Count) cases.Add((text, lines[++i]));
        }
        return cases;
    }

    [SharedDataFact]
    public void Every_edge_case_is_a_record_or_a_dead_letter_with_a_reason()
    {
        var cases = Cases();
        Assert.Equal(55, cases.Count);
        var pipeline = RealLogTests.Pipeline("main,combined,common,with_time,isu_json,ltsv,npm_proxy,npm_standard,bunkerweb");
        var items = pipeline.Process(new KafkaBatch("test",
            cases.Select((c, i) => new KafkaMessage(new KafkaPosition("t", 0, i), "edge", c.Line, DateTime.UtcNow)).ToList()));
        for (var i = 0; i < cases.Count; i++)
        {
            var item = items[i];
            output.WriteLine($"{cases[i].Comment[..Math.Min(70, cases[i].Comment.Length)]} => " +
                (item.Record is { } r ? $"record {r.Method} {r.Status} flags={r.Flags}" : $"dead letter: {item.DeadLetter!.Reason}"));
            Assert.True(item.Record is not null ^ item.DeadLetter is not null);
            if (item.DeadLetter is { } d) Assert.False(string.IsNullOrWhiteSpace(d.Reason));
        }
    }

    [SharedDataTheory]
    [InlineData(13, RecordFlags.GarbageRequest)]  // Gh0st RAT payload
    [InlineData(14, RecordFlags.GarbageRequest)]  // TLS ClientHello
    [InlineData(18, RecordFlags.GarbageRequest)]  // HTTP/2 preface
    [InlineData(33, RecordFlags.InvalidUtf8)]     // raw Big5 bytes
    [InlineData(32, RecordFlags.InvalidUtf8)]     // escaped cp1251 referer
    public void Hostile_edge_cases_are_flagged_records(int number, RecordFlags flag)
    {
        var (_, line) = Cases().Single(c => c.Comment.StartsWith($"# [{number:00}]"));
        var pipeline = RealLogTests.Pipeline("combined");
        var item = pipeline.Process(new KafkaBatch("test", [new KafkaMessage(new KafkaPosition("t", 0, 0), null, line, DateTime.UtcNow)]))[0];
        Assert.NotNull(item.Record);
        Assert.True(item.Record!.Flags.HasFlag(flag), $"flags {item.Record.Flags}");
    }

    [SharedDataTheory]
    [InlineData(37)]  // Apache custom format without time zone
    [InlineData(39)]  // ident and user missing
    [InlineData(55)]  // nginx error-log line
    public void Lines_of_another_format_are_dead_letters(int number)
    {
        var (_, line) = Cases().Single(c => c.Comment.StartsWith($"# [{number:00}]"));
        var item = RealLogTests.Pipeline("main,combined").Process(new KafkaBatch("test", [new KafkaMessage(new KafkaPosition("t", 0, 0), null, line, DateTime.UtcNow)]))[0];
        Assert.NotNull(item.DeadLetter);
        Assert.Contains("log_format", item.DeadLetter!.Reason);
    }
}
