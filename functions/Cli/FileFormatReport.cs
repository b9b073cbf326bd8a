using NginxPulse.Functions.Parsing;

namespace NginxPulse.Functions.Cli;

/// <summary>The outcome of parsing every line of one file with a list of formats.</summary>
public sealed class FileFormatReport
{
    public long Lines { get; private set; }
    public long Parsed { get; private set; }
    public long Failed { get; private set; }
    public long GarbageRequests { get; private set; }
    public Dictionary<string, long> ByFormat { get; } = new(StringComparer.Ordinal);
    public List<(long LineNumber, string Reason, string Excerpt)> Failures { get; } = [];

    public static FileFormatReport Check(ReadOnlySpan<byte> content, IReadOnlyList<LogFormat> formats, int keepFailures)
    {
        var report = new FileFormatReport();
        var parser = new AccessLogParser();
        var record = new AccessRecord();
        long lineNumber = 0;
        while (!content.IsEmpty)
        {
            var nl = content.IndexOf((byte)'\n');
            var line = nl < 0 ? content : content[..nl];
            content = nl < 0 ? [] : content[(nl + 1)..];
            lineNumber++;
            line = line.TrimEnd((byte)'\r');
            report.Lines++;
            if (parser.TryParse(line, formats, record, out var error, out var format))
            {
                report.Parsed++;
                report.ByFormat[format!.Name] = report.ByFormat.GetValueOrDefault(format.Name) + 1;
                if ((record.Flags & RecordFlags.GarbageRequest) != 0) report.GarbageRequests++;
                continue;
            }
            report.Failed++;
            if (report.Failures.Count < keepFailures)
            {
                var flags = RecordFlags.None;
                report.Failures.Add((lineNumber, line.IsEmpty ? "empty line" : error!, FieldText.Render(line.Length > 160 ? line[..160] : line, ref flags)));
            }
        }
        return report;
    }

    public async Task WriteAsync(string file, TextWriter output)
    {
        var mix = string.Join(", ", ByFormat.OrderByDescending(p => p.Value).Select(p => $"{p.Key}={p.Value}"));
        await output.WriteLineAsync($"{file}: lines={Lines} parsed={Parsed} failed={Failed} garbage_requests={GarbageRequests}" + (mix.Length > 0 ? $" ({mix})" : ""));
        foreach (var (n, reason, excerpt) in Failures)
        {
            await output.WriteLineAsync($"  line {n}: {reason}");
            await output.WriteLineAsync($"    {excerpt}");
        }
    }
}
