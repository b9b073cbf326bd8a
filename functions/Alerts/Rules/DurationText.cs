using System.Globalization;

namespace NginxPulse.Functions.Alerts.Rules;

/// <summary>Durations in the rules file and silences: <c>90s</c>, <c>5m</c>, <c>2h</c>, <c>1d</c>, or a .NET TimeSpan such as <c>00:05:00</c>.</summary>
public static class DurationText
{
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text)) return false;
        text = text.Trim();
        var unit = text[^1];
        var factor = unit switch { 's' => 1L, 'm' => 60L, 'h' => 3600L, 'd' => 86400L, _ => 0L };
        if (factor > 0 && long.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count <= 10_000_000)
        {
            duration = TimeSpan.FromSeconds(count * factor);
            return true;
        }
        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration) && duration >= TimeSpan.Zero;
    }

    public static string Format(TimeSpan duration) =>
        duration.TotalSeconds % 86400 == 0 && duration > TimeSpan.Zero ? $"{duration.TotalDays:0}d"
        : duration.TotalSeconds % 3600 == 0 && duration > TimeSpan.Zero ? $"{duration.TotalHours:0}h"
        : duration.TotalSeconds % 60 == 0 ? $"{duration.TotalMinutes:0}m"
        : $"{duration.TotalSeconds:0}s";
}
