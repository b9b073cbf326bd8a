using System.Diagnostics;

namespace NginxPulse.Benchmarks.Ship;

/// <param name="Elapsed">from start until the contender exited (or, for one that does not exit, until the topic held every line)</param>
/// <param name="SteadyLinesPerSecond">the rate the topic grew at between 10% and 90% of the lines (<see cref="WatermarkTimeline"/>)</param>
/// <param name="CpuSeconds">user + system CPU of the contender's process over the whole run</param>
/// <param name="FirstLineAt">when the topic held its first line: the contender's start-up</param>
/// <param name="AllLinesAt">when the topic held every line (after which an exiting contender still has to stop)</param>
public sealed record Measurement(string Name, long Lines, TimeSpan Elapsed, double SteadyLinesPerSecond, double CpuSeconds, long PeakRssKb,
    TimeSpan FirstLineAt, TimeSpan AllLinesAt)
{
    public double LinesPerSecond => Lines / Elapsed.TotalSeconds;
}

public sealed record TailMeasurement(string Name, long Lines, long SteadyRssKb, long MaxRssKb, string Breakdown);

/// <summary>The producer settings kcat and rsyslog get, so they do the same work per message as the shipper's defaults.</summary>
public static class ComparableProducerSettings
{
    public static readonly IReadOnlyList<string> Pairs =
    [
        "acks=all", "enable.idempotence=true", "compression.codec=lz4", "linger.ms=20", "batch.num.messages=10000", "batch.size=1000000",
    ];
}

/// <summary>A contender that exits once all it read is acknowledged: the time is until it exits, then the topic must hold every line.</summary>
public static class ExitingRun
{
    public static async Task<Measurement> MeasureAsync(string name, Func<ChildProcess> start, TopicProbe probe, string topic, long lines)
    {
        var clock = Stopwatch.StartNew();
        await using var timeline = new WatermarkTimeline(probe, topic, clock);
        var cpuBefore = ProcessCpu.ReapedChildrenSeconds();
        await using var child = start();
        await using var sampler = new MemorySampler(child.Id, TimeSpan.FromMilliseconds(20));
        var exit = await child.WaitAsync(TimeSpan.FromMinutes(10));
        var elapsed = clock.Elapsed;
        var cpu = ProcessCpu.ReapedChildrenSeconds() - cpuBefore;
        if (exit != 0) throw new InvalidOperationException($"{name} exited with {exit}: {child.Output}");
        var count = probe.Count(topic);
        if (count != lines) throw new InvalidOperationException($"{name} left {count:N0} messages in {topic}, expected {lines:N0}");
        var (first, all) = await timeline.ArrivalsAsync(lines);
        return new Measurement(name, lines, elapsed, timeline.SteadyLinesPerSecond(lines), cpu, sampler.PeakKb, first, all);
    }
}

/// <summary>A contender that ships a whole file once (backfill) and can tail a growing one.</summary>
public interface IContender
{
    string Name { get; }
    Task<Measurement> BackfillAsync(string file, long lines, string topic, string work);
    ChildProcess StartTailing(string file, string topic, string work);
}

/// <summary>Our agent: <c>--exit-at-eof FILE</c> for the backfill, an input on the file for tailing.</summary>
public sealed class ShipperContender(BenchPaths paths, string bootstrap, TopicProbe probe, IReadOnlyDictionary<string, string> environment) : IContender
{
    /// <summary>The shipper's host name in the benchmark: the key of its messages and the envelopes' "host".</summary>
    public const string Host = "bench-host";

    public string Name => "nginxpulse-shipper";

    public Task<Measurement> BackfillAsync(string file, long lines, string topic, string work) =>
        ExitingRun.MeasureAsync(Name, () => PublishedShipper.Start(paths.Shipper, ["--exit-at-eof", file, .. Settings(topic, work)], environment), probe, topic, lines);

    public ChildProcess StartTailing(string file, string topic, string work) =>
        PublishedShipper.Start(paths.Shipper, [$"--Inputs:0:Paths:0={file}", .. Settings(topic, work)], environment);

    private IEnumerable<string> Settings(string topic, string work) =>
    [
        $"--Kafka:BootstrapServers={bootstrap}", $"--Kafka:Topic={topic}", $"--Registry:Path={Path.Combine(work, "registry.json")}",
        "--Metrics:Port=0", $"--Host={Host}", "--StatsInterval=00:00:00",
    ];
}

/// <summary>
/// kcat -P -l: one message per line straight from the file, the librdkafka producer ceiling. With a key delimiter
/// (<c>-K</c>) each line is the key, the delimiter and the value (<see cref="EnvelopeFile"/>).
/// </summary>
public sealed class KcatContender(string bootstrap, TopicProbe probe, string name = "kcat -P -l", char? keyDelimiter = null)
{
    public string Name => name;

    public Task<Measurement> BackfillAsync(string file, long lines, string topic)
    {
        var args = new List<string> { "-P", "-b", bootstrap, "-t", topic, "-l", file };
        if (keyDelimiter is { } delimiter) args.AddRange(["-K", delimiter.ToString()]);
        foreach (var pair in ComparableProducerSettings.Pairs) args.AddRange(["-X", pair]);
        return ExitingRun.MeasureAsync(Name, () => ChildProcess.Start("kcat", args), probe, topic, lines);
    }
}

/// <summary>
/// A private rsyslogd (own configuration, pid file and work directory): imfile on the file, omkafka to the broker.
/// It never exits by itself, so the time is until the topic's watermark holds every line.
/// </summary>
public sealed class RsyslogContender(string bootstrap, TopicProbe probe) : IContender
{
    public string Name => "rsyslog imfile+omkafka";

    public async Task<Measurement> BackfillAsync(string file, long lines, string topic, string work)
    {
        var clock = Stopwatch.StartNew();
        await using var timeline = new WatermarkTimeline(probe, topic, clock);
        await using var child = StartTailing(file, topic, work);
        await using var sampler = new MemorySampler(child.Id, TimeSpan.FromMilliseconds(20));
        var elapsed = await probe.WaitForAsync(topic, lines, clock, TimeSpan.FromMinutes(10), () => child.Output);
        var cpu = ProcessCpu.RunningSeconds(child.Id);
        var peak = sampler.PeakKb;
        var count = probe.Count(topic);
        if (count != lines) throw new InvalidOperationException($"rsyslog left {count:N0} messages in {topic}, expected {lines:N0}");
        var (first, all) = await timeline.ArrivalsAsync(lines);
        return new Measurement(Name, lines, elapsed, timeline.SteadyLinesPerSecond(lines), cpu, peak, first, all);
    }

    public ChildProcess StartTailing(string file, string topic, string work)
    {
        Directory.CreateDirectory(work);
        var config = Path.Combine(work, "rsyslog.conf");
        var kafkaSettings = string.Join(", ", ComparableProducerSettings.Pairs.Select(p => $"\"{p}\""));
        File.WriteAllText(config, $$"""
            global(workDirectory="{{work}}" maxMessageSize="64k")
            module(load="imfile" mode="inotify")
            module(load="omkafka")
            template(name="line" type="string" string="%msg%")
            ruleset(name="tokafka") {
              action(type="omkafka" broker=["{{bootstrap}}"] topic="{{topic}}" template="line" confParam=[{{kafkaSettings}}])
            }
            input(type="imfile" file="{{file}}" tag="nginx" ruleset="tokafka" freshStartTail="off")
            """);
        return ChildProcess.Start("rsyslogd", ["-n", "-f", config, "-i", Path.Combine(work, "rsyslogd.pid")]);
    }
}
