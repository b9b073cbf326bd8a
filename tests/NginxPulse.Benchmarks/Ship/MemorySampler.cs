namespace NginxPulse.Benchmarks.Ship;

/// <summary>
/// Polls /proc/PID/status of a running process: the kernel's peak resident set (VmHWM, read until the process is
/// gone, so a short-lived process's last reading is close to its true peak) and timed VmRSS samples.
/// </summary>
public sealed class MemorySampler : IAsyncDisposable
{
    private readonly int pid;
    private readonly CancellationTokenSource stop = new();
    private readonly List<(TimeSpan At, long RssKb)> samples = [];
    private readonly System.Diagnostics.Stopwatch clock = System.Diagnostics.Stopwatch.StartNew();
    private readonly Task polling;

    public MemorySampler(int pid, TimeSpan interval)
    {
        this.pid = pid;
        polling = PollAsync(interval, stop.Token);
    }

    public long PeakKb { get; private set; }

    /// <summary>Median VmRSS of the samples taken from <paramref name="from"/> on (after start-up and ramp-up).</summary>
    public long MedianRssKbSince(TimeSpan from)
    {
        List<long> window;
        lock (samples) window = samples.Where(s => s.At >= from).Select(s => s.RssKb).Order().ToList();
        return window.Count == 0 ? 0 : window[window.Count / 2];
    }

    public long MaxRssKbSince(TimeSpan from)
    {
        lock (samples) return samples.Where(s => s.At >= from).Select(s => s.RssKb).DefaultIfEmpty().Max();
    }

    /// <summary>The VmRSS breakdown (anon / file / shmem) right now.</summary>
    public static string Breakdown(int pid)
    {
        var status = Read(pid);
        return status is null ? "gone" : $"RssAnon {Field(status, "RssAnon:") / 1024.0:F1} MiB, RssFile {Field(status, "RssFile:") / 1024.0:F1} MiB";
    }

    private async Task PollAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        do
        {
            var status = Read(pid);
            var rss = status is null ? 0 : Field(status, "VmRSS:");
            if (rss == 0) return;  // gone, or a zombie waiting to be reaped
            PeakKb = Math.Max(PeakKb, Field(status!, "VmHWM:"));
            lock (samples) samples.Add((clock.Elapsed, rss));
        }
        while (await NextAsync(timer, cancellationToken));
    }

    private static async Task<bool> NextAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try { return await timer.WaitForNextTickAsync(cancellationToken); }
        catch (OperationCanceledException) { return false; }
    }

    private static string? Read(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/status"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    private static long Field(string status, string name)
    {
        var at = status.IndexOf(name, StringComparison.Ordinal);
        if (at < 0) return 0;
        var end = status.IndexOf('\n', at);
        var value = status[(at + name.Length)..(end < 0 ? status.Length : end)].Trim();
        return long.Parse(value.Split(' ')[0]);
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await polling;
        stop.Dispose();
    }
}
