using System.Diagnostics;
using NginxPulse.Functions.Cleaning;
using NginxPulse.Functions.Parsing;

namespace NginxPulse.Benchmarks;

/// <summary>
/// Parse + clean on one thread against GoAccess on the same file, in the same run:
/// <c>dotnet run -c Release --project tests/NginxPulse.Benchmarks -- parse [--runs N] FILE...</c>
/// </summary>
public static class ParseBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var runs = 5;
        var files = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--runs" && i + 1 < args.Length) runs = int.Parse(args[++i]);
            else files.Add(args[i]);
        }
        if (files.Count == 0) { Console.Error.WriteLine("usage: parse [--runs N] FILE..."); return 2; }

        var input = Path.Combine(Path.GetTempPath(), $"nginxpulse-bench-{Environment.ProcessId}.log");
        await using (var combined = File.Create(input))
            foreach (var f in files) await using (var src = File.OpenRead(f)) await src.CopyToAsync(combined);
        try
        {
            var content = await File.ReadAllBytesAsync(input);
            var lines = SplitLines(content);
            Console.WriteLine($"input: {lines.Count:N0} lines, {content.Length / 1048576.0:F1} MiB ({string.Join(", ", files.Select(Path.GetFileName))})");

            var ours = MeasureOurs(content, lines, runs, out var allocPerLine, out var parsed);
            var goaccess = await MeasureGoAccessAsync(input, runs);
            Console.WriteLine($"nginxpulse parse+clean (1 thread): best {lines.Count / ours:N0} lines/s ({ours * 1000:F0} ms), {allocPerLine:F0} B allocated/line, {parsed:N0} parsed");
            if (goaccess is { } g)
            {
                Console.WriteLine($"goaccess 1.7 --log-format=COMBINED:  best {lines.Count / g:N0} lines/s ({g * 1000:F0} ms)");
                Console.WriteLine($"ratio: {g / ours:F1}x GoAccess");
            }
            return 0;
        }
        finally { File.Delete(input); }
    }

    private static double MeasureOurs(byte[] content, List<(int Start, int Length)> lines, int runs, out double allocPerLine, out long parsed)
    {
        var formats = new[] { LogFormat.Parse("combined") };
        var cleaner = new RecordCleaner(new ClientIpResolver(ClientIpResolver.DefaultTrustedProxies.Select(IpNetwork.Parse).ToList()));
        var best = double.MaxValue;
        allocPerLine = 0;
        parsed = 0;
        for (var run = 0; run < runs + 1; run++)
        {
            var parser = new AccessLogParser();
            long ok = 0;
            var allocBefore = GC.GetAllocatedBytesForCurrentThread();
            var sw = Stopwatch.StartNew();
            foreach (var (start, length) in lines)
            {
                // A fresh record per line, as the ingest pipeline does: it is what gets stored.
                var record = new AccessRecord();
                if (parser.TryParse(content.AsSpan(start, length), formats, record, out _, out _)) { cleaner.Clean(record); ok++; }
            }
            sw.Stop();
            if (run == 0) continue; // warm-up: JIT and tiering
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
            allocPerLine = (GC.GetAllocatedBytesForCurrentThread() - allocBefore) / (double)lines.Count;
            parsed = ok;
        }
        return best;
    }

    private static async Task<double?> MeasureGoAccessAsync(string input, int runs)
    {
        var report = Path.Combine(Path.GetTempPath(), $"nginxpulse-goaccess-{Environment.ProcessId}.json");
        var best = double.MaxValue;
        try
        {
            for (var run = 0; run < runs; run++)
            {
                var psi = new ProcessStartInfo("goaccess", ["--no-global-config", "--log-format=COMBINED", "-o", report, input])
                    { RedirectStandardError = true, RedirectStandardOutput = true };
                var sw = Stopwatch.StartNew();
                using var p = Process.Start(psi)!;
                var stderr = p.StandardError.ReadToEndAsync();
                await p.StandardOutput.ReadToEndAsync();
                await p.WaitForExitAsync();
                sw.Stop();
                if (p.ExitCode != 0) { Console.Error.WriteLine($"goaccess failed ({p.ExitCode}): {await stderr}"); return null; }
                best = Math.Min(best, sw.Elapsed.TotalSeconds);
            }
            return best;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Console.Error.WriteLine("goaccess is not installed (apt-get install -y goaccess): peer not measured");
            return null;
        }
        finally { File.Delete(report); }
    }

    private static List<(int, int)> SplitLines(byte[] content)
    {
        var lines = new List<(int, int)>();
        var start = 0;
        while (start < content.Length)
        {
            var nl = Array.IndexOf(content, (byte)'\n', start);
            var end = nl < 0 ? content.Length : nl;
            var len = end - start;
            if (len > 0 && content[end - 1] == '\r') len--;
            lines.Add((start, len));
            start = end + 1;
        }
        return lines;
    }
}
