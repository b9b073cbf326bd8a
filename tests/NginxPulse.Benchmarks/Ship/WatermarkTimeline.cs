using System.Diagnostics;
using Confluent.Kafka;

namespace NginxPulse.Benchmarks.Ship;

/// <summary>
/// The high watermark of a topic sampled every few milliseconds while a contender runs, the same way for every
/// contender: what the broker has appended (acknowledged) over time. Its steady rate, between 10% and 90% of the
/// expected lines, leaves out each tool's start-up and shutdown, which the whole-run time includes.
/// </summary>
public sealed class WatermarkTimeline : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(5);
    private readonly IConsumer<byte[], byte[]> consumer;
    private readonly TopicPartition partition;
    private readonly Stopwatch clock;
    private readonly List<(TimeSpan At, long High)> samples = [];
    private readonly CancellationTokenSource stop = new();
    private readonly Task polling;

    public WatermarkTimeline(TopicProbe probe, string topic, Stopwatch clock)
    {
        consumer = probe.NewConsumer(null);
        partition = new TopicPartition(topic, 0);
        this.clock = clock;
        polling = Task.Run(() => Poll(stop.Token));
    }

    /// <summary>Lines per second between the samples that first reached 10% and 90% of <paramref name="lines"/>, interpolated.</summary>
    public double SteadyLinesPerSecond(long lines)
    {
        List<(TimeSpan At, long High)> taken;
        lock (samples) taken = [.. samples];
        var from = Crossing(taken, lines / 10);
        var to = Crossing(taken, lines * 9 / 10);
        return (lines * 9 / 10 - lines / 10) / (to - from).TotalSeconds;
    }

    /// <summary>
    /// When the first line arrived and when the last one did (the sample that first held all <paramref name="lines"/>).
    /// A contender can exit between two samples, before the timeline saw its last lines: this waits for the sample
    /// that holds them.
    /// </summary>
    public async Task<(TimeSpan First, TimeSpan All)> ArrivalsAsync(long lines)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            List<(TimeSpan At, long High)> taken;
            lock (samples) taken = [.. samples];
            if ((taken.Count > 0 && taken[^1].High >= lines) || deadline.Elapsed > TimeSpan.FromSeconds(30))
                return (Crossing(taken, 1), Crossing(taken, lines));
            await Task.Delay(Interval);
        }
    }

    /// <summary>When the watermark reached <paramref name="mark"/>, interpolated linearly between the samples either side.</summary>
    private static TimeSpan Crossing(List<(TimeSpan At, long High)> taken, long mark)
    {
        var after = taken.FindIndex(s => s.High >= mark);
        if (after < 0) throw new InvalidOperationException($"the watermark never reached {mark:N0}");
        if (after == 0) return taken[0].At;
        var (t0, h0) = taken[after - 1];
        var (t1, h1) = taken[after];
        return t0 + (t1 - t0) * ((mark - h0) / (double)(h1 - h0));
    }

    private void Poll(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var high = consumer.QueryWatermarkOffsets(partition, TimeSpan.FromSeconds(10)).High.Value;
            lock (samples) samples.Add((clock.Elapsed, high));
            cancellationToken.WaitHandle.WaitOne(Interval);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await polling;
        consumer.Dispose();
        stop.Dispose();
    }
}
