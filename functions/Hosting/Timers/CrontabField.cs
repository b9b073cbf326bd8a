using System.Globalization;

namespace NginxPulse.Functions.Hosting.Timers;

/// <summary>
/// One field of an NCRONTAB expression as the Timer trigger parses it: <c>*</c>, <c>a</c>, <c>a-b</c>, lists with
/// <c>,</c>, steps <c>*/n</c>, <c>a-b/n</c> and <c>a/n</c> (a to the field's maximum); month and day-of-week also
/// take English names or any prefix of them, case-insensitive (the first name in calendar order wins).
/// No <c>?</c>, <c>L</c>, <c>W</c> or <c>#</c>, and day-of-week 7 is rejected (0 is Sunday).
/// </summary>
internal sealed class CrontabField
{
    private static readonly string[] MonthNames = CultureInfo.InvariantCulture.DateTimeFormat.MonthNames[..12];
    private static readonly string[] DayNames = CultureInfo.InvariantCulture.DateTimeFormat.DayNames;

    private readonly bool[] _allowed;

    private CrontabField(CrontabFieldKind kind, bool[] allowed, bool isWildcard)
    {
        Kind = kind;
        _allowed = allowed;
        IsWildcard = isWildcard;
    }

    public CrontabFieldKind Kind { get; }

    /// <summary>The whole field is <c>*</c>.</summary>
    public bool IsWildcard { get; }

    public bool Contains(int value) => value >= Kind.Min() && value <= Kind.Max() && _allowed[value - Kind.Min()];

    /// <summary>The smallest allowed value ≥ <paramref name="value"/>, or -1.</summary>
    public int NextAtOrAfter(int value)
    {
        for (var v = Math.Max(value, Kind.Min()); v <= Kind.Max(); v++)
            if (_allowed[v - Kind.Min()]) return v;
        return -1;
    }

    public IEnumerable<int> Values => Enumerable.Range(Kind.Min(), Kind.Max() - Kind.Min() + 1).Where(Contains);

    public static CrontabField Parse(string text, CrontabFieldKind kind)
    {
        var allowed = new bool[kind.Max() - kind.Min() + 1];
        foreach (var item in text.Split(','))
        {
            if (item.Length == 0) throw Error(kind, text, "has an empty list item");
            var slash = item.IndexOf('/');
            var rangeText = slash < 0 ? item : item[..slash];
            var step = 1;
            if (slash >= 0 && (!int.TryParse(item.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out step) || step <= 0))
                throw Error(kind, text, $"has the step '{item[(slash + 1)..]}'; a step is a whole number of at least 1");

            int first, last;
            if (rangeText.Length == 0) throw Error(kind, text, $"has '{item}', which has no value before the step");
            if (rangeText == "*")
            {
                (first, last) = (kind.Min(), kind.Max());
            }
            else
            {
                var dash = rangeText.IndexOf('-');
                first = Value(rangeText[..(dash < 0 ? rangeText.Length : dash)], kind, text);
                // "a/n" runs from a to the field's maximum; a lone "a" is just a.
                last = dash >= 0 ? Value(rangeText[(dash + 1)..], kind, text) : slash >= 0 ? kind.Max() : first;
                if (last < first) throw Error(kind, text, $"has the range '{rangeText}' whose end is before its start");
            }
            for (var v = first; v <= last; v += step) allowed[v - kind.Min()] = true;
        }
        return new CrontabField(kind, allowed, text == "*");
    }

    private static int Value(string text, CrontabFieldKind kind, string field)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            if (number < kind.Min() || number > kind.Max())
                throw Error(kind, field, $"has the value {number}, outside {kind.Min()}-{kind.Max()}{(kind == CrontabFieldKind.DayOfWeek ? " (0 is Sunday; 7 is not accepted)" : "")}");
            return number;
        }
        var names = kind switch { CrontabFieldKind.Month => MonthNames, CrontabFieldKind.DayOfWeek => DayNames, _ => null };
        if (names is not null && text.Length > 0)
        {
            for (var i = 0; i < names.Length; i++)
                if (names[i].StartsWith(text, StringComparison.OrdinalIgnoreCase)) return i + kind.Min();
        }
        throw Error(kind, field, $"has '{text}', which is neither a number{(names is null ? "" : " nor a name")} ");
    }

    private static FormatException Error(CrontabFieldKind kind, string field, string problem) =>
        new($"the {kind.Describe()} field '{field}' {problem.TrimEnd()}");
}

internal enum CrontabFieldKind { Second, Minute, Hour, Day, Month, DayOfWeek }

internal static class CrontabFieldKindExtensions
{
    public static int Min(this CrontabFieldKind kind) => kind is CrontabFieldKind.Day or CrontabFieldKind.Month ? 1 : 0;

    public static int Max(this CrontabFieldKind kind) => kind switch
    {
        CrontabFieldKind.Second or CrontabFieldKind.Minute => 59,
        CrontabFieldKind.Hour => 23,
        CrontabFieldKind.Day => 31,
        CrontabFieldKind.Month => 12,
        _ => 6,
    };

    public static string Describe(this CrontabFieldKind kind) => kind switch
    {
        CrontabFieldKind.DayOfWeek => "day-of-week",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
