using System.Diagnostics;

namespace NginxPulse.Benchmarks.Ship;

/// <summary>
/// The shipper against kcat (the librdkafka producer ceiling) and rsyslog imfile+omkafka, side by side in one run,
/// against one local broker per round (the KafkaMock process) and the same file. The shipper is measured as deployed:
/// published (<see cref="PublishedShipper"/>) and run with the environment of its systemd unit (<see cref="DeployedEnvironment"/>):
/// <c>dotnet run -c Release --project tests/NginxPulse.Benchmarks -- ship [--lines N] [--runs N] [--tail-rate L] [--tail-seconds S] [--shipper-env NAME=VALUE]... [--shipper-dll PATH]</c>; <c>--shipper-dll</c> takes a framework-dependent build's .dll (run under <c>dotnet</c>) or an executable
/// </summary>
public static class ShipBenchmark
{
    private const string Usage = "usage: ship [--lines 1000000] [--runs 3] [--tail-rate 5000] [--tail-seconds 40] [--shipper-env NAME=VALUE]... [--shipper-dll PATH]";

    public static async Task<int> RunAsync(string[] args)
    {
        long lines = 1_000_000;
        int runs = 3, tailRate = 5000, tailSeconds = 40;
        var shipperEnvironment = new Dictionary<string, string>();
        string? shipperDll = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--lines": lines = long.Parse(Next()); break;
                case "--runs": runs = int.Parse(Next()); break;
                case "--tail-rate": tailRate = int.Parse(Next()); break;
                case "--tail-seconds": tailSeconds = int.Parse(Next()); break;
                case "--shipper-dll": shipperDll = Path.GetFullPath(Next()); break;
                case "--shipper-env":
                    var pair = Next().Split('=', 2);
                    shipperEnvironment[pair[0]] = pair.Length == 2 ? pair[1] : throw new ArgumentException("--shipper-env needs NAME=VALUE");
                    break;
                default: Console.Error.WriteLine(Usage); return 2;
            }
        }
        if (!await PeerTools.EnsureAsync()) return 2;

        var paths = BenchPaths.Locate(shipperDll);
        // The deployed environment first; --shipper-env adds to it or overrides it.
        foreach (var (name, value) in DeployedEnvironment.Read(paths.RepoRoot)) shipperEnvironment.TryAdd(name, value);
        Directory.CreateDirectory(paths.Work);
        try
        {
            if (paths.PublishShipper) await PublishedShipper.PublishAsync(paths);
            var source = BenchLogFile.FromSamples(paths.SampleLogs);
            var file = Path.Combine(paths.Work, "access.log");
            var bytes = await source.WriteAsync(file, lines);
            Console.WriteLine($"input: {lines:N0} lines, {bytes / 1048576.0:F1} MiB ({source.SourceLines:N0} distinct real lines from {paths.SampleLogs}, repeated)");
            Console.WriteLine($"shipper: {paths.Shipper}");
            if (shipperEnvironment.Count > 0) Console.WriteLine($"shipper environment: {string.Join(' ', shipperEnvironment.Select(e => $"{e.Key}={e.Value}"))}");

            var rounds = new List<Round>();
            for (var run = 1; run <= runs; run++)
            {
                var round = await RunRoundAsync(paths, source, file, lines, run, tailRate, TimeSpan.FromSeconds(tailSeconds), shipperEnvironment);
                round.Print(run);
                rounds.Add(round);
            }
            Summary.Print(rounds, tailRate);
            return 0;
        }
        finally
        {
            Directory.Delete(paths.Work, recursive: true);
        }
    }

    private static async Task<Round> RunRoundAsync(BenchPaths paths, BenchLogFile source, string file, long lines, int run,
        int tailRate, TimeSpan tailDuration, IReadOnlyDictionary<string, string> shipperEnvironment)
    {
        string[] topics = ["ours", "kcat", "rsyslog", "kcat-env", "ours-tail", "rsyslog-tail", "warm-up"];
        await using var broker = await BrokerProcess.StartAsync(paths, topics);
        var probe = new TopicProbe(broker.Bootstrap);
        // A fresh broker process is slow to take its first few hundred MB (kcat's first backfill into one took up to
        // twice as long as the next); the first contender measured would pay for it. kcat ships the file once first.
        await new KcatContender(broker.Bootstrap, probe, "kcat warm-up").BackfillAsync(file, lines, "warm-up");
        var ours = new ShipperContender(paths, broker.Bootstrap, probe, shipperEnvironment);
        var rsyslog = new RsyslogContender(broker.Bootstrap, probe);
        string Work(string name) => Directory.CreateDirectory(Path.Combine(paths.Work, $"{name}-{run}")).FullName;

        var oursBackfill = await ours.BackfillAsync(file, lines, "ours", Work("ours"));
        var kcat = await new KcatContender(broker.Bootstrap, probe).BackfillAsync(file, lines, "kcat");
        var rsyslogBackfill = await rsyslog.BackfillAsync(file, lines, "rsyslog", Work("rsyslog"));
        var envelopes = Path.Combine(Work("kcat-env"), "envelopes.txt");
        await EnvelopeFile.WriteAsync(file, Path.Combine(Work("ours"), "registry.json"), ShipperContender.Host, envelopes);
        var kcatEnvelopes = await new KcatContender(broker.Bootstrap, probe, "kcat -P -K -l, our envelopes", EnvelopeFile.KeyDelimiter)
            .BackfillAsync(envelopes, lines, "kcat-env");
        File.Delete(envelopes);
        var sizes = run == 1
            ? topics[..4].ToDictionary(t => t, probe.SizePerMessage)
            : null;

        var tail = new TailRun(source, probe, tailRate, tailDuration);
        var oursTail = await tail.RunAsync(ours, "ours-tail", Work("ours-tail"));
        var rsyslogTail = await tail.RunAsync(rsyslog, "rsyslog-tail", Work("rsyslog-tail"));
        return new Round(oursBackfill, kcat, rsyslogBackfill, kcatEnvelopes, oursTail, rsyslogTail, sizes);
    }
}

/// <summary>A contender tails a file appended at a fixed rate; its resident set is sampled after a warm-up.</summary>
public sealed class TailRun(BenchLogFile source, TopicProbe probe, int linesPerSecond, TimeSpan duration)
{
    public async Task<TailMeasurement> RunAsync(IContender contender, string topic, string work)
    {
        var file = Path.Combine(work, "tailed.log");
        await File.WriteAllBytesAsync(file, []);
        await using var child = contender.StartTailing(file, topic, work);
        await using var sampler = new MemorySampler(child.Id, TimeSpan.FromMilliseconds(500));
        var warmUp = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(10).Ticks, duration.Ticks / 3));
        var written = await new TailWriter(source, file, linesPerSecond).RunAsync(duration);
        var breakdown = MemorySampler.Breakdown(child.Id);
        await probe.WaitForAsync(topic, written, Stopwatch.StartNew(), TimeSpan.FromMinutes(2), () => child.Output);
        var measurement = new TailMeasurement(contender.Name, written, sampler.MedianRssKbSince(warmUp), sampler.MaxRssKbSince(warmUp), breakdown);
        await child.StopAsync();
        return measurement;
    }
}

/// <param name="KcatEnvelopes">kcat shipping the shipper's own messages (key and envelope) from a file: the ceiling for our payload</param>
public sealed record Round(Measurement Ours, Measurement Kcat, Measurement Rsyslog, Measurement KcatEnvelopes, TailMeasurement OursTail, TailMeasurement RsyslogTail,
    Dictionary<string, WireSize>? Sizes)
{
    public void Print(int run)
    {
        Console.WriteLine($"round {run}:");
        foreach (var m in new[] { Ours, Kcat, KcatEnvelopes, Rsyslog })
            Console.WriteLine($"  {m.Name,-30} {m.Elapsed.TotalSeconds,6:F2} s  {m.LinesPerSecond,9:N0} lines/s whole run  {m.SteadyLinesPerSecond,9:N0} lines/s steady (10-90%)  CPU {m.CpuSeconds,5:F2} s  peak RSS (VmHWM) {m.PeakRssKb / 1024.0,6:F1} MiB  first line {m.FirstLineAt.TotalSeconds:F2} s, all {m.AllLinesAt.TotalSeconds:F2} s");
        foreach (var t in new[] { OursTail, RsyslogTail })
            Console.WriteLine($"  {t.Name,-30} tailing: steady VmRSS {t.SteadyRssKb / 1024.0:F1} MiB (max {t.MaxRssKb / 1024.0:F1}; {t.Breakdown}), {t.Lines:N0} lines all in the topic");
        if (Sizes is null) return;
        foreach (var (topic, size) in Sizes)
            Console.WriteLine($"  topic {topic,-8} payload {size.PayloadPerMessage,5:F0} B/line ({size.PayloadPerMessage * Ours.Lines / 1048576.0,6:F1} MiB for the file), on the wire (lz4 batches + framing, as fetched) {size.WirePerMessage,5:F0} B/line ({size.WirePerMessage * Ours.Lines / 1048576.0,6:F1} MiB); sampled on the {size.Sampled:N0} newest messages the mock broker retains");
    }
}

public static class Summary
{
    public static void Print(IReadOnlyList<Round> rounds, int tailRate)
    {
        static double Median(IEnumerable<double> values)
        {
            var sorted = values.Order().ToList();
            return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
        }
        Console.WriteLine($"median of {rounds.Count} round(s):");
        foreach (var (label, rate) in new (string, Func<Measurement, double>)[] { ("whole run", m => m.LinesPerSecond), ("steady, 10-90% of the file", m => m.SteadyLinesPerSecond) })
        {
            var ours = Median(rounds.Select(r => rate(r.Ours)));
            var kcat = Median(rounds.Select(r => rate(r.Kcat)));
            var rsyslog = Median(rounds.Select(r => rate(r.Rsyslog)));
            var envelopes = Median(rounds.Select(r => rate(r.KcatEnvelopes)));
            Console.WriteLine($"  backfill lines/s, {label}: shipper {ours:N0}, kcat {kcat:N0}, rsyslog {rsyslog:N0}; shipper / kcat = {ours / kcat:P0} (aim >= 80%), shipper / rsyslog = {ours / rsyslog:F2}x (aim >= 2x)");
            Console.WriteLine($"    kcat with our envelopes {envelopes:N0} = {envelopes / kcat:P0} of kcat; shipper / kcat with our envelopes = {ours / envelopes:P0}; per round, shipper / kcat: {string.Join(", ", rounds.Select(r => $"{rate(r.Ours) / rate(r.Kcat):P0}"))}");
        }
        Console.WriteLine($"  backfill CPU s (user+sys): shipper {Median(rounds.Select(r => r.Ours.CpuSeconds)):F2}, kcat {Median(rounds.Select(r => r.Kcat.CpuSeconds)):F2}, kcat with our envelopes {Median(rounds.Select(r => r.KcatEnvelopes.CpuSeconds)):F2}, rsyslog {Median(rounds.Select(r => r.Rsyslog.CpuSeconds)):F2}");
        Console.WriteLine($"  backfill first line / all lines in the topic, s: shipper {Median(rounds.Select(r => r.Ours.FirstLineAt.TotalSeconds)):F2} / {Median(rounds.Select(r => r.Ours.AllLinesAt.TotalSeconds)):F2}, kcat {Median(rounds.Select(r => r.Kcat.FirstLineAt.TotalSeconds)):F2} / {Median(rounds.Select(r => r.Kcat.AllLinesAt.TotalSeconds)):F2}, kcat with our envelopes {Median(rounds.Select(r => r.KcatEnvelopes.FirstLineAt.TotalSeconds)):F2} / {Median(rounds.Select(r => r.KcatEnvelopes.AllLinesAt.TotalSeconds)):F2}");
        Console.WriteLine($"  backfill peak RSS MiB: shipper {Median(rounds.Select(r => r.Ours.PeakRssKb / 1024.0)):F1}, kcat {Median(rounds.Select(r => r.Kcat.PeakRssKb / 1024.0)):F1}, rsyslog {Median(rounds.Select(r => r.Rsyslog.PeakRssKb / 1024.0)):F1}");
        Console.WriteLine($"  tailing {tailRate:N0} lines/s, steady VmRSS MiB: shipper {Median(rounds.Select(r => r.OursTail.SteadyRssKb / 1024.0)):F1} (aim < 64), rsyslog {Median(rounds.Select(r => r.RsyslogTail.SteadyRssKb / 1024.0)):F1}");
    }
}
