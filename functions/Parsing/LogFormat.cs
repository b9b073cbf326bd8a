using System.Text;

namespace NginxPulse.Functions.Parsing;

/// <summary>How nginx escaped variable values when it wrote the line (log_format's escape= parameter).</summary>
public enum EscapeMode { Default, Json, None }

/// <summary>One piece of a compiled log_format: literal bytes, or a variable whose value runs to the next literal.</summary>
public readonly record struct FormatSegment(byte[]? Literal, LogVariable Variable, string VariableName)
{
    public bool IsLiteral => Literal is not null;
}

/// <summary>
/// An nginx log_format compiled into literals and variables. Lines are matched against it without regular
/// expressions (see <see cref="LineMatcher"/>).
/// </summary>
public sealed class LogFormat
{
    public const string Combined =
        "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\"";
    public const string Main = Combined + " \"$http_x_forwarded_for\"";
    public const string Common = "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent";

    /// <summary>nginx's predefined format plus the two every distribution ships.</summary>
    public static readonly IReadOnlyDictionary<string, string> Predefined = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["combined"] = Combined,
        ["main"] = Main,
        ["common"] = Common,
    };

    public string Name { get; }
    public string Source { get; }
    public EscapeMode Escape { get; }
    public IReadOnlyList<FormatSegment> Segments { get; }
    /// <summary>True when the format has a time variable; without one the read time stands in.</summary>
    public bool HasTime { get; }

    private LogFormat(string name, string source, EscapeMode escape, List<FormatSegment> segments)
    {
        Name = name;
        Source = source;
        Escape = escape;
        Segments = segments;
        HasTime = segments.Any(s => s.Variable is LogVariable.TimeLocal or LogVariable.TimeIso8601 or LogVariable.Msec);
    }

    /// <summary>
    /// Compiles a predefined name ("combined"), a bare format string, or a whole nginx directive
    /// (<c>log_format name [escape=json] '...' '...';</c>). Throws <see cref="FormatException"/> naming the problem.
    /// </summary>
    public static LogFormat Parse(string nameOrFormat, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(nameOrFormat);
        var text = nameOrFormat.Trim();
        if (text.Length == 0) throw new FormatException("log_format is empty");
        if (Predefined.TryGetValue(text, out var predefined)) return Compile(name ?? text.ToLowerInvariant(), predefined, EscapeMode.Default);
        if (text.StartsWith("log_format", StringComparison.Ordinal) && text.Length > 10 && char.IsWhiteSpace(text[10]))
            return ParseDirective(text, name);
        if (!text.Contains('$')) throw new FormatException($"'{text}' is neither a predefined format (combined, main, common) nor a log_format string (no $variable)");
        return Compile(name ?? "custom", UnescapeConfigString(text), EscapeMode.Default);
    }

    public static LogFormat Compile(string name, string format, EscapeMode escape)
    {
        var segments = new List<FormatSegment>();
        var literal = new StringBuilder();
        var i = 0;
        while (i < format.Length)
        {
            var c = format[i];
            if (c != '$') { literal.Append(c); i++; continue; }
            var (varName, next) = ReadVariableName(format, i);
            if (varName.Length == 0) { literal.Append(c); i++; continue; }
            if (literal.Length > 0) { segments.Add(new FormatSegment(Encoding.UTF8.GetBytes(literal.ToString()), LogVariable.Other, "")); literal.Clear(); }
            else if (segments.Count > 0 && !segments[^1].IsLiteral)
                throw new FormatException($"log_format '{name}': ${segments[^1].VariableName} and ${varName} are adjacent with nothing between them, so their values cannot be told apart");
            segments.Add(new FormatSegment(null, LogVariables.FromName(varName), varName));
            i = next;
        }
        if (literal.Length > 0) segments.Add(new FormatSegment(Encoding.UTF8.GetBytes(literal.ToString()), LogVariable.Other, ""));
        if (!segments.Any(s => !s.IsLiteral)) throw new FormatException($"log_format '{name}' has no variables");
        return new LogFormat(name, format, escape, segments);
    }

    private static (string Name, int Next) ReadVariableName(string format, int dollar)
    {
        var i = dollar + 1;
        if (i < format.Length && format[i] == '{')
        {
            var close = format.IndexOf('}', i);
            if (close < 0) throw new FormatException($"unterminated ${{...}} at position {dollar} of '{format}'");
            return (format[(i + 1)..close], close + 1);
        }
        var start = i;
        while (i < format.Length && (char.IsAsciiLetterOrDigit(format[i]) || format[i] == '_')) i++;
        return (format[start..i], i);
    }

    // log_format name [escape=default|json|none] 'part' 'part' ...;  — quoted parts concatenate as in nginx.conf.
    private static LogFormat ParseDirective(string text, string? overrideName)
    {
        var body = text[10..].Trim().TrimEnd(';').Trim();
        var firstSpace = body.IndexOfAny([' ', '\t', '\n']);
        if (firstSpace < 0) throw new FormatException("log_format directive needs a name and a format string");
        var name = body[..firstSpace];
        var rest = body[firstSpace..].TrimStart();
        var escape = EscapeMode.Default;
        if (rest.StartsWith("escape=", StringComparison.Ordinal))
        {
            var end = rest.IndexOfAny([' ', '\t', '\n']);
            var value = end < 0 ? rest[7..] : rest[7..end];
            escape = value switch
            {
                "default" => EscapeMode.Default,
                "json" => EscapeMode.Json,
                "none" => EscapeMode.None,
                _ => throw new FormatException($"log_format {name}: unknown escape={value} (default, json or none)"),
            };
            rest = end < 0 ? "" : rest[end..].TrimStart();
        }
        var format = new StringBuilder();
        var i = 0;
        while (i < rest.Length)
        {
            var q = rest[i];
            if (char.IsWhiteSpace(q)) { i++; continue; }
            if (q != '\'' && q != '"') throw new FormatException($"log_format {name}: expected a quoted string at '{rest[i..]}'");
            var j = i + 1;
            var part = new StringBuilder();
            while (j < rest.Length && rest[j] != q)
            {
                if (rest[j] == '\\' && j + 1 < rest.Length) { part.Append(rest[j]).Append(rest[j + 1]); j += 2; continue; }
                part.Append(rest[j++]);
            }
            if (j >= rest.Length) throw new FormatException($"log_format {name}: unterminated quoted string");
            format.Append(UnescapeConfigString(part.ToString()));
            i = j + 1;
        }
        return Compile(overrideName ?? name, format.ToString(), escape);
    }

    // nginx.conf string escapes: \t \n \r \" \' \\ ; anything else stays as written.
    private static string UnescapeConfigString(string s)
    {
        if (!s.Contains('\\')) return s;
        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] != '\\' || i + 1 >= s.Length) { sb.Append(s[i]); continue; }
            var n = s[i + 1];
            switch (n)
            {
                case 't': sb.Append('\t'); i++; break;
                case 'n': sb.Append('\n'); i++; break;
                case 'r': sb.Append('\r'); i++; break;
                case '"' or '\'' or '\\': sb.Append(n); i++; break;
                default: sb.Append('\\'); break;
            }
        }
        return sb.ToString();
    }

    public override string ToString() => Name;
}
