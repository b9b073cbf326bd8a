using NginxPulse.Shipper.Metrics;

namespace NginxPulse.Shipper.Runtime;

/// <summary>The backfill's progress line on stderr: bytes acknowledged of the files' total, lines, rate.</summary>
public sealed class BackfillProgress(LogShipper shipper, ShipperMetrics metrics, TextWriter output)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);
    private long totalBytes;
    private DateTime startedUtc;

    public IDisposable Start(IReadOnlyList<string> files, CancellationToken cancellationToken)
    {
        totalBytes = files.Sum(f => File.Exists(f) ? new FileInfo(f).Length : 0);
        startedUtc = DateTime.UtcNow;
        // Stopped by disposing the timer, which ends the wait without an exception: the first exception a process
        // throws costs milliseconds of loading, and this one was thrown at the end of every backfill.
        var timer = new PeriodicTimer(Interval);
        var stopping = cancellationToken.Register(timer.Dispose);
        _ = Task.Run(async () =>
        {
            while (await timer.WaitForNextTickAsync(CancellationToken.None)) Write("\r");
        }, CancellationToken.None);
        return new Stopper(timer, stopping);
    }

    public void Finish() => Write("\r", "\n");

    private static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.0} KiB",
        < 1024L * 1024 * 1024 => $"{bytes / 1048576.0:0.0} MiB",
        _ => $"{bytes / 1073741824.0:0.00} GiB",
    };

    private sealed class Stopper(PeriodicTimer timer, CancellationTokenRegistration stopping) : IDisposable
    {
        public void Dispose()
        {
            stopping.Dispose();
            timer.Dispose();
        }
    }

    private void Write(string prefix, string suffix = "")
    {
        var acked = shipper.OpenTails.Sum(t => t.State.Acks.AckedOffset);
        var percent = totalBytes == 0 ? 100 : 100.0 * acked / totalBytes;
        var seconds = Math.Max(0.001, (DateTime.UtcNow - startedUtc).TotalSeconds);
        lock (output)
        {
            output.Write($"{prefix}backfill: {Size(acked)} of {Size(totalBytes)} acknowledged ({percent:0.0}%), {metrics.LinesAcked:N0} lines, {metrics.LinesAcked / seconds:N0} lines/s   {suffix}");
            output.Flush();
        }
    }
}
