using System.Text;
using NginxPulse.Functions.Cleaning;
using NginxPulse.Functions.Events;
using NginxPulse.Functions.IngestAccessLogs;
using NginxPulse.Functions.Kafka;
using NginxPulse.Functions.Parsing;
using NginxPulse.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace NginxPulse.Tests.Parsing;

/// <summary>
/// Every real log in ../shared/data/nginx whose format is known parses completely, except the true garbage lines
/// listed here (by line number), which become dead letters with a reason.
/// </summary>
public class RealLogTests(ITestOutputHelper output)
{
    public static TheoryData<string, string, int[]> KnownFiles => new()
    {
        { "wekilos__BPlogs/access.log", "combined", [] },
        { "wekilos__BPlogs/access.log.3", "combined", [] },
        { "wekilos__BPlogs/access.log.10", "combined", [] },
        { "wekilos__BPlogs/access.log.12", "combined", [] },
        { "elastic__examples/apache_logs", "combined", [8899] },           // cut off inside the User-Agent
        { "1geek0__weblog/access.log", "combined", [] },
        { "1geek0__weblog/access.log.1", "combined", [] },
        { "Poufy__nginx-clients-map/access.log", "main,combined", [] },  // two access_log directives, one file
        { "Poufy__nginx-clients-map/access.log.1", "main,combined", [] },
        { "feedforce__history-of-tofu-on-fire/access.log.1", "with_time,combined", [] },
        { "feedforce__history-of-tofu-on-fire/access.log.20160918_135654", "with_time,combined", [] },
        { "feedforce__history-of-tofu-on-fire/access.log.20160918_141914", "with_time,combined", [] },
        { "y4-aoki__private-isu/access.log", "isu_json", [] },
        { "5l1v3r1__xlog/access.log.1", "combined", [] },
        { "Slowlybomb__hakathon_WAP/access.log", "combined", [] },
        { "nielsbasjes__logparser/hackers-access.log", "combined", [] },
        { "tstack__lnav/logfile_shop_access_log.0", "main", [] },
        { "tstack__lnav/logfile_access_log.0", "combined", [] },
        { "tstack__lnav/logfile_access_log.1", "combined", [] },
        { "tstack__lnav/logfile_bad_access_log.0", "combined", [2] },      // ident and user fields missing
        { "hnakamur__ats-nginx-bad-request/access.ltsv.log", "ltsv", [] },
        { "crowdsecurity__hub/apache-http-probing.log", "common", [] },
        { "crowdsecurity__hub/apache2-logs.log", "combined,common", [8, 9] },          // Apache error-log lines
        { "crowdsecurity__hub/apache2-malformed.log", "combined", [] },
        { "crowdsecurity__hub/nginx-http-malformed.log", "combined", [] },
        { "crowdsecurity__hub/nginx_http-logs.log", "combined", [8, 9] },             // user field missing; error-log line
        { "crowdsecurity__hub/nginx-proxy-manager-logs.log", "npm_proxy,npm_standard,combined", [5, 6] }, // error-log lines
        { "crowdsecurity__hub/bunkerweb-logs.log", "bunkerweb", [] },
        { "elastic__beats/access.log", "combined", [] },
    };

    public static ParsingOptions Options(string formats) => new()
    {
        DefaultFormats = formats,
        Formats =
        {
            ["with_time"] = KnownFormats.WithTime,
            ["isu_json"] = KnownFormats.PrivateIsuJson,
            ["ltsv"] = KnownFormats.HnakamurLtsv,
            ["npm_proxy"] = KnownFormats.NpmProxy,
            ["npm_standard"] = KnownFormats.NpmStandard,
            ["bunkerweb"] = KnownFormats.BunkerWeb,
        },
    };

    [SharedDataTheory]
    [MemberData(nameof(KnownFiles))]
    public void Known_format_file_parses_completely_except_true_garbage(string file, string formats, int[] garbageLines)
    {
        var lines = SplitLines(File.ReadAllBytes(SharedData.File(file)));
        var pipeline = Pipeline(formats);
        var batch = new KafkaBatch("test", lines.Select((l, i) =>
            new KafkaMessage(new KafkaPosition("t", 0, i), "host-a", l, DateTime.UtcNow)).ToList());

        var items = pipeline.Process(batch);

        Assert.Equal(lines.Count, items.Count);
        var dead = items.Select((item, i) => (item, line: i + 1)).Where(x => x.item.DeadLetter is not null).ToList();
        foreach (var (item, line) in dead) output.WriteLine($"{file}:{line}: {item.DeadLetter!.Reason}");
        Assert.Equal(garbageLines, dead.Select(d => d.line).ToArray());
        Assert.All(dead, d => Assert.False(string.IsNullOrWhiteSpace(d.item.DeadLetter!.Reason)));
        Assert.All(items.Where(i => i.Record is not null), i => Assert.True(i.Record!.TimeUtc.Year >= 2009, "time parsed"));
        Assert.Equal(items.Count, items.Select(i => Convert.ToHexString(i.Record?.Id ?? i.DeadLetter!.Id)).Distinct().Count());
    }

    [SharedDataFact]
    public void Every_file_in_the_shared_data_is_covered_by_a_known_format_or_the_mixed_fixture_list()
    {
        var known = KnownFiles.Select(row => (string)row[0]).ToHashSet();
        string[] mixed = ["elastic__beats/test.log", "elastic__beats/test-with-host.log"];
        var all = Directory.EnumerateFiles(SharedData.NginxDir!, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(SharedData.NginxDir!, f))
            .Where(f => f.Contains('/') && !f.EndsWith(".md"));
        Assert.All(all, f => Assert.True(known.Contains(f) || mixed.Contains(f), $"{f} has no expectation"));
    }

    [SharedDataTheory]
    [InlineData("elastic__beats/test.log")]
    [InlineData("elastic__beats/test-with-host.log")]
    public void Mixed_fixture_files_give_a_record_or_a_dead_letter_for_every_line(string file)
    {
        var lines = SplitLines(File.ReadAllBytes(SharedData.File(file)));
        var items = Pipeline("main,combined").Process(new KafkaBatch("test",
            lines.Select((l, i) => new KafkaMessage(new KafkaPosition("t", 0, i), null, l, DateTime.UtcNow)).ToList()));
        Assert.All(items, i => Assert.True(i.Record is not null ^ i.DeadLetter is not null));
    }

    internal static AccessLogPipeline Pipeline(string formats)
    {
        var options = Options(formats);
        return new AccessLogPipeline(new EventDecoder(), new FormatSelector(options),
            new RecordCleaner(new ClientIpResolver(ClientIpResolver.DefaultTrustedProxies.Select(IpNetwork.Parse).ToList())), TimeProvider.System);
    }

    internal static List<byte[]> SplitLines(byte[] content)
    {
        var lines = new List<byte[]>();
        var span = content.AsSpan();
        while (!span.IsEmpty)
        {
            var nl = span.IndexOf((byte)'\n');
            lines.Add((nl < 0 ? span : span[..nl]).ToArray());
            span = nl < 0 ? [] : span[(nl + 1)..];
        }
        return lines;
    }
}
