using System.Diagnostics;

namespace NginxPulse.Benchmarks.Ship;

/// <summary>Appends sample lines to a log file at a fixed rate, the way nginx writes under steady traffic.</summary>
public sealed class TailWriter(BenchLogFile source, string path, int linesPerSecond)
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(50);

    /// <summary>Writes for <paramref name="duration"/>; returns the number of lines written.</summary>
    public async Task<long> RunAsync(TimeSpan duration)
    {
        await using var output = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
        using var timer = new PeriodicTimer(Tick);
        var clock = Stopwatch.StartNew();
        long written = 0;
        while (clock.Elapsed < duration)
        {
            var due = (long)(clock.Elapsed.TotalSeconds * linesPerSecond);
            for (; written < due; written++)
            {
                await output.WriteAsync(source.Line(written));
                output.WriteByte((byte)'\n');
            }
            await output.FlushAsync();
            await timer.WaitForNextTickAsync();
        }
        return written;
    }
}
