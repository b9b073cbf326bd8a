namespace NginxPulse.Functions.Alerts.Rules;

/// <summary>One threshold rule from the rules file, already validated.</summary>
/// <param name="Window">The metric is computed over [end - Window, end) of complete minutes.</param>
/// <param name="For">How long the condition must hold before pending becomes firing (zero: fire at once).</param>
/// <param name="MinSamples">Ratios, percentiles and shares over fewer requests than this are "not enough data".</param>
/// <param name="Renotify">While firing, repeat the notification at most this often; zero: never repeat.</param>
public sealed record AlertRule(
    string Name,
    string Description,
    AlertMetric Metric,
    AlertScope Scope,
    AlertGrouping GroupBy,
    AlertCondition Condition,
    TimeSpan Window,
    TimeSpan For,
    long MinSamples,
    AlertSeverity Severity,
    IReadOnlyList<string> Channels,
    TimeSpan Renotify);

public enum AlertSeverity { Critical, Warning, Info }

public enum AlertGrouping { None, Vhost, Host }
