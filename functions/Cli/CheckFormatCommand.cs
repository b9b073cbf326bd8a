using NginxPulse.Functions.Parsing;

namespace NginxPulse.Functions.Cli;

/// <summary>
/// <c>check-format [--log-format NAME|STRING]... [--show N] FILE...</c>: how many lines of each file the given
/// log_format(s) parse, and the first failures with their reasons. Exit 0 when every line parsed, 1 when some
/// failed, 2 for usage errors or unreadable files.
/// </summary>
public static class CheckFormatCommand
{
    public const string Usage =
        "usage: check-format [--log-format NAME|STRING]... [--show N] FILE...\n" +
        "  --log-format  predefined name (combined, main, common), a log_format string, or a whole\n" +
        "                'log_format name escape=json ...;' directive; repeat it to try several in order\n" +
        "                (default: main, then combined, then common)\n" +
        "  --show N      failures to print per file (default 5)";

    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken ct)
    {
        var specs = new List<string>();
        var files = new List<string>();
        var show = 5;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--log-format" or "-f" when i + 1 < args.Length: specs.Add(args[++i]); break;
                case "--show" when i + 1 < args.Length && int.TryParse(args[i + 1], out show) && show >= 0: i++; break;
                case "--help" or "-h": await output.WriteLineAsync(Usage); return 0;
                default:
                    if (args[i].StartsWith('-')) { await output.WriteLineAsync($"check-format: unknown or incomplete option '{args[i]}'\n{Usage}"); return 2; }
                    files.Add(args[i]);
                    break;
            }
        }
        if (files.Count == 0) { await output.WriteLineAsync($"check-format: no FILE given\n{Usage}"); return 2; }

        IReadOnlyList<LogFormat> formats;
        try
        {
            formats = specs.Count == 0
                ? new FormatSelector(new ParsingOptions()).Defaults
                : specs.Select((s, i) => LogFormat.Predefined.ContainsKey(s) || s.TrimStart().StartsWith("log_format", StringComparison.Ordinal)
                    ? LogFormat.Parse(s)
                    : LogFormat.Parse(s, specs.Count == 1 ? "custom" : $"custom{i + 1}")).ToList();
        }
        catch (FormatException e) { await output.WriteLineAsync($"check-format: {e.Message}"); return 2; }

        long total = 0, parsed = 0, failed = 0;
        var unreadable = false;
        foreach (var file in files)
        {
            ct.ThrowIfCancellationRequested();
            byte[] content;
            try { content = await File.ReadAllBytesAsync(file, ct); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await output.WriteLineAsync($"{file}: cannot read: {e.Message}");
                unreadable = true;
                continue;
            }
            var report = FileFormatReport.Check(content, formats, show);
            total += report.Lines;
            parsed += report.Parsed;
            failed += report.Failed;
            await report.WriteAsync(file, output);
        }
        await output.WriteLineAsync($"TOTAL lines={total} parsed={parsed} failed={failed}");
        return unreadable ? 2 : failed > 0 ? 1 : 0;
    }
}
