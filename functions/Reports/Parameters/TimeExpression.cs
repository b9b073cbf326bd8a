using System.Globalization;
using System.Text.RegularExpressions;

namespace NginxPulse.Functions.Reports.Parameters;

/// <summary>
/// A point in time as callers write it: ISO-8601 (<c>2026-11-21T14:00:00Z</c>; no offset means UTC), <c>now</c>, or
/// relative to now (<c>-15m</c>, <c>now-1h</c>, <c>-7d</c>; units s, m, h, d, w).
/// </summary>
public static partial class TimeExpression
{
    public static DateTime Parse(string parameter, string text, DateTime nowUtc)
    {
        var value = text.Trim();
        if (value.Equals("now", StringComparison.OrdinalIgnoreCase)) return nowUtc;

        var relative = Relative().Match(value);
        if (relative.Success)
        {
            var amount = long.Parse(relative.Groups["n"].Value, CultureInfo.InvariantCulture);
            var ago = Unit(relative.Groups["u"].Value[0]) * amount;
            if (ago > nowUtc - DateTime.UnixEpoch)
                throw new ReportParameterException(parameter, $"'{value}' reaches back before 1970");
            return nowUtc - ago;
        }

        if (IsoDate().IsMatch(value) && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var parsed))
            return parsed.UtcDateTime;

        throw new ReportParameterException(parameter, "expected ISO-8601 (2026-11-21T14:00:00Z), 'now' or a relative time such as -15m, -1h, -7d");
    }

    /// <summary>A duration such as <c>5m</c>, <c>1h</c>, <c>300</c> (seconds).</summary>
    public static TimeSpan ParseDuration(string parameter, string text)
    {
        var match = Duration().Match(text.Trim());
        if (!match.Success)
            throw new ReportParameterException(parameter, "expected a duration such as 60s, 5m, 1h, 1d");
        var amount = long.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture);
        return match.Groups["u"].Success ? Unit(match.Groups["u"].Value[0]) * amount : TimeSpan.FromSeconds(amount);
    }

    private static TimeSpan Unit(char unit) => char.ToLowerInvariant(unit) switch
    {
        's' => TimeSpan.FromSeconds(1),
        'm' => TimeSpan.FromMinutes(1),
        'h' => TimeSpan.FromHours(1),
        'd' => TimeSpan.FromDays(1),
        _ => TimeSpan.FromDays(7),
    };

    // At most 6 digits: large enough for any sensible range, small enough never to overflow a DateTime.
    [GeneratedRegex(@"^(?:now)?-(?<n>\d{1,6})(?<u>[smhdw])$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Relative();

    [GeneratedRegex(@"^(?<n>\d{1,6})(?<u>[smhdw])?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Duration();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}", RegexOptions.CultureInvariant)]
    private static partial Regex IsoDate();
}
