using System.Globalization;
using Microsoft.Extensions.Options;

namespace NginxPulse.Functions.Reports.Parameters;

/// <summary>
/// Turns query parameters into <see cref="ReportParameters"/>, or throws <see cref="ReportParameterException"/> naming
/// the first parameter that is wrong. Unknown parameter names are rejected too, so a typo (<c>form=</c>) is not
/// silently answered with the default.
/// </summary>
public sealed class ReportParameterParser(IOptions<ReportsOptions> options, TimeProvider time)
{
    public static readonly IReadOnlyList<string> Names = ["from", "to", "vhost", "host", "status", "path", "limit", "step", "format", "cursor"];

    private const int MaxNameLength = 255;
    private const int MaxPathLength = 2048;
    private const int TargetBuckets = 120;
    private static readonly TimeSpan DefaultRange = TimeSpan.FromHours(1);
    private static readonly TimeSpan[] NiceSteps =
        [.. new[] { 1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 10080 }.Select(m => TimeSpan.FromMinutes(m))];

    private readonly ReportsOptions _options = options.Value;

    public ReportParameters Parse(IReadOnlyDictionary<string, string> query)
    {
        foreach (var name in query.Keys)
            if (!Names.Contains(name, StringComparer.OrdinalIgnoreCase))
                throw new ReportParameterException(name, $"unknown parameter; known: {string.Join(", ", Names)}");

        var now = time.GetUtcNow().UtcDateTime;
        var to = Value(query, "to") is { } toText ? TimeExpression.Parse("to", toText, now) : now;
        var from = Value(query, "from") is { } fromText ? TimeExpression.Parse("from", fromText, now) : to - DefaultRange;
        if (from >= to)
            throw new ReportParameterException("from", "must be before 'to'");
        // Whole minutes, so the per-minute rollups and raw rows answer the same question.
        from = FloorMinute(from);
        to = FloorMinute(to) == to ? to : FloorMinute(to).AddMinutes(1);
        if (to - from > _options.MaxRange)
            throw new ReportParameterException("from", $"the range {to - from} is wider than the maximum {_options.MaxRange} (setting {ReportsOptions.Section}:MaxRange)");

        return new ReportParameters
        {
            FromUtc = from,
            ToUtc = to,
            Vhost = Text(query, "vhost", MaxNameLength),
            Host = Text(query, "host", MaxNameLength),
            Statuses = Value(query, "status") is { } status ? StatusRange.ParseList(status) : [],
            PathPrefix = Text(query, "path", MaxPathLength),
            Limit = Limit(query),
            Step = Step(query, to - from),
            Format = Format(query),
            Cursor = Value(query, "cursor") is { } cursor ? LineCursor.Decode(cursor) : null,
        };
    }

    private int? Limit(IReadOnlyDictionary<string, string> query)
    {
        if (Value(query, "limit") is not { } text) return null;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) || limit < 1 || limit > _options.MaxLimit)
            throw new ReportParameterException("limit", $"expected a whole number within 1..{_options.MaxLimit}");
        return limit;
    }

    private TimeSpan Step(IReadOnlyDictionary<string, string> query, TimeSpan span)
    {
        if (Value(query, "step") is not { } text)
        {
            var wanted = span / TargetBuckets;
            var step = NiceSteps.FirstOrDefault(s => s >= wanted, NiceSteps[^1]);
            return Buckets(span, step) <= _options.MaxBuckets ? step : TimeSpan.FromMinutes(Math.Ceiling(span.TotalMinutes / _options.MaxBuckets));
        }
        var parsed = TimeExpression.ParseDuration("step", text);
        if (parsed < TimeSpan.FromMinutes(1) || parsed.Ticks % TimeSpan.TicksPerMinute != 0)
            throw new ReportParameterException("step", "must be a whole number of minutes (1m, 5m, 1h, ...)");
        if (Buckets(span, parsed) > _options.MaxBuckets)
            throw new ReportParameterException("step", $"{Buckets(span, parsed)} buckets over the range; at most {_options.MaxBuckets} (use a larger step)");
        return parsed;
    }

    private static long Buckets(TimeSpan span, TimeSpan step) => (span.Ticks + step.Ticks - 1) / step.Ticks;

    private static ReportFormat Format(IReadOnlyDictionary<string, string> query) => Value(query, "format")?.ToLowerInvariant() switch
    {
        null or "json" => ReportFormat.Json,
        "csv" => ReportFormat.Csv,
        _ => throw new ReportParameterException("format", "expected json or csv"),
    };

    private static string? Text(IReadOnlyDictionary<string, string> query, string name, int maxLength)
    {
        if (Value(query, name) is not { } text) return null;
        if (text.Length > maxLength)
            throw new ReportParameterException(name, $"longer than {maxLength} characters");
        if (text.Any(char.IsControl))
            throw new ReportParameterException(name, "contains control characters");
        return text;
    }

    /// <summary>The value, or null when absent or empty (an empty field in a form means "no filter").</summary>
    private static string? Value(IReadOnlyDictionary<string, string> query, string name)
    {
        foreach (var (key, value) in query)
            if (key.Equals(name, StringComparison.OrdinalIgnoreCase))
                return string.IsNullOrEmpty(value) ? null : value;
        return null;
    }

    private static DateTime FloorMinute(DateTime t) => new(t.Ticks - t.Ticks % TimeSpan.TicksPerMinute, DateTimeKind.Utc);
}
