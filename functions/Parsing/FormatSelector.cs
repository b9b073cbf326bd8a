using System.IO.Enumeration;
using NginxPulse.Functions.Events;

namespace NginxPulse.Functions.Parsing;

/// <summary>Compiles every configured log_format once and picks the list to try for each event.</summary>
public sealed class FormatSelector
{
    private readonly Dictionary<string, LogFormat> byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly IReadOnlyList<LogFormat> defaults;
    private readonly List<(SourceFormatRule Rule, IReadOnlyList<LogFormat> Formats)> rules = [];

    /// <exception cref="FormatException">A format or a reference to one is invalid; the message names the setting.</exception>
    public FormatSelector(ParsingOptions options)
    {
        foreach (var name in LogFormat.Predefined.Keys) byName[name] = LogFormat.Parse(name);
        foreach (var (name, text) in options.Formats)
        {
            try { byName[name] = LogFormat.Parse(text, name); }
            catch (FormatException e) { throw new FormatException($"setting {ParsingOptions.Section}:Formats:{name}: {e.Message}", e); }
        }
        defaults = Resolve(options.DefaultFormats, $"{ParsingOptions.Section}:DefaultFormats");
        for (var i = 0; i < options.Sources.Count; i++)
            rules.Add((options.Sources[i], Resolve(options.Sources[i].Formats, $"{ParsingOptions.Section}:Sources:{i}:Formats")));
    }

    public IReadOnlyList<LogFormat> Defaults => defaults;

    public IReadOnlyList<LogFormat> Select(LogEvent e)
    {
        if (e.Fields.TryGetValue("log_format", out var requested) && TryResolve(requested, out var fromField)) return fromField;
        foreach (var (rule, formats) in rules)
            if (Matches(rule, e)) return formats;
        return defaults;
    }

    /// <summary>Names (comma-separated, predefined or configured) or one inline log_format string.</summary>
    public IReadOnlyList<LogFormat> Resolve(string spec, string setting)
    {
        if (TryResolve(spec, out var formats)) return formats;
        try { return [LogFormat.Parse(spec)]; }
        catch (FormatException e) { throw new FormatException($"setting {setting}: {e.Message}", e); }
    }

    private bool TryResolve(string spec, out IReadOnlyList<LogFormat> formats)
    {
        var list = new List<LogFormat>();
        foreach (var name in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!byName.TryGetValue(name, out var f)) { formats = []; return false; }
            list.Add(f);
        }
        formats = list;
        return list.Count > 0;
    }

    private static bool Matches(SourceFormatRule rule, LogEvent e) =>
        (rule.Tag is null || e.Tags.Contains(rule.Tag, StringComparer.Ordinal))
        && (rule.Host is null || string.Equals(rule.Host, e.Host, StringComparison.OrdinalIgnoreCase))
        && (rule.Path is null || (e.FilePath is not null && FileSystemName.MatchesSimpleExpression(rule.Path, e.FilePath, ignoreCase: false)));
}
