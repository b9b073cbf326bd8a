using System.Globalization;
using Microsoft.Extensions.Options;
using NginxPulse.Functions.Alerts.Evaluation;
using NginxPulse.Functions.Alerts.Rules;
using NginxPulse.Functions.Alerts.State;

namespace NginxPulse.Functions.Alerts.Notifications;

/// <summary>Builds the notification of a decision: value against threshold, the window, top paths and clients, the report link.</summary>
public sealed class NotificationComposer
{
    private readonly MetricReader _metrics;
    private readonly AlertsOptions _options;

    public NotificationComposer(MetricReader metrics, IOptions<AlertsOptions> options)
    {
        _metrics = metrics;
        _options = options.Value;
    }

    public async Task<IReadOnlyList<OutboxEntry>> ComposeAsync(AlertRule rule, AlertDecision decision, MetricWindow window, DateTime now, CancellationToken ct)
    {
        if (decision.Notification is not { } kind) return [];
        var state = decision.Next;
        AlertScope.TryParse(state.Scope, out var scope);
        var top = await _metrics.TopAsync(rule, scope, window, _options.TopListSize, ct);
        var notification = new AlertNotification(
            AlertStatusText.Of(kind), rule.Name, rule.Description, state.Scope, rule.Severity.ToString().ToLowerInvariant(),
            AlertMetrics.NameOf(rule.Metric), state.Value, rule.Condition.RelativeTo == ConditionBaseline.None ? AlertMetrics.Unit(rule.Metric) : "ratio",
            state.Threshold, DurationText.Format(rule.Window), window.Start, window.End, top.Paths, top.Clients,
            ReportUrl(scope, window), now);
        return rule.Channels.Select(channel => new OutboxEntry(rule.Name, state.Scope, notification.Kind, channel, notification)).ToList();
    }

    private string ReportUrl(AlertScope scope, MetricWindow window)
    {
        var query = new List<string>
        {
            "from=" + Uri.EscapeDataString(window.Start.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)),
            "to=" + Uri.EscapeDataString(window.End.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)),
        };
        if (scope.Vhost is { } vhost) query.Add("vhost=" + Uri.EscapeDataString(vhost));
        if (scope.Host is { } host) query.Add("host=" + Uri.EscapeDataString(host));
        return $"{_options.PublicUrl.TrimEnd('/')}/api/reports/summary?{string.Join('&', query)}";
    }
}
