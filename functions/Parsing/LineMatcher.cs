namespace NginxPulse.Functions.Parsing;

/// <summary>Where a line stopped matching a format; turned into a message only when it is reported.</summary>
public readonly record struct MatchFailure(int SegmentIndex, int Position, bool TrailingText)
{
    public string Describe(LogFormat format, int lineLength)
    {
        if (TrailingText) return $"log_format '{format.Name}': unexpected text after the last field at byte {Position} of {lineLength}";
        var seg = format.Segments[SegmentIndex];
        var literal = System.Text.Encoding.UTF8.GetString(seg.Literal ?? []);
        var after = SegmentIndex > 0 && !format.Segments[SegmentIndex - 1].IsLiteral ? $" after ${format.Segments[SegmentIndex - 1].VariableName}" : "";
        return $"log_format '{format.Name}': expected '{Printable(literal)}'{after} at byte {Position}";
    }

    private static string Printable(string s) => s.Replace("\t", "\\t").Replace("\n", "\\n");
}

/// <summary>
/// Matches a line against a compiled format: each variable's value runs to the first occurrence of the next
/// literal (a quote escaped as \" does not count), so no regular expressions and no allocations.
/// </summary>
public static class LineMatcher
{
    /// <param name="values">One (start, length) per segment; filled for variable segments.</param>
    public static bool TryMatch(LogFormat format, ReadOnlySpan<byte> line, Span<(int Start, int Length)> values, out MatchFailure failure)
    {
        var segments = format.Segments;
        var escapeAware = format.Escape != EscapeMode.None;
        var pos = 0;
        for (var i = 0; i < segments.Count; i++)
        {
            var seg = segments[i];
            if (seg.Literal is { } literal)
            {
                if (!line[pos..].StartsWith(literal)) { failure = new MatchFailure(i, pos, false); return false; }
                pos += literal.Length;
                continue;
            }
            if (i + 1 == segments.Count)
            {
                values[i] = (pos, line.Length - pos);
                pos = line.Length;
                continue;
            }
            var end = FindTerminator(line, pos, segments[i + 1].Literal!, escapeAware);
            if (end < 0) { failure = new MatchFailure(i + 1, pos, false); return false; }
            values[i] = (pos, end - pos);
            pos = end;
        }
        if (pos != line.Length) { failure = new MatchFailure(segments.Count - 1, pos, true); return false; }
        failure = default;
        return true;
    }

    private static int FindTerminator(ReadOnlySpan<byte> line, int from, byte[] literal, bool escapeAware)
    {
        var search = from;
        while (true)
        {
            var idx = line[search..].IndexOf(literal);
            if (idx < 0) return -1;
            var abs = search + idx;
            if (escapeAware && literal[0] == (byte)'"' && IsEscaped(line, from, abs)) { search = abs + 1; continue; }
            return abs;
        }
    }

    // An odd run of backslashes before the quote escapes it (Apache \" and escape=json); an even run is \\ + quote.
    private static bool IsEscaped(ReadOnlySpan<byte> line, int valueStart, int quote)
    {
        var n = 0;
        for (var k = quote - 1; k >= valueStart && line[k] == (byte)'\\'; k--) n++;
        return (n & 1) == 1;
    }
}
