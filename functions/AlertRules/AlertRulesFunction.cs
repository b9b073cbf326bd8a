using NginxPulse.Functions.Alerts.Rules;
using NginxPulse.Functions.Hosting;

namespace NginxPulse.Functions.AlertRules;

/// <summary>GET alerts/rules: the rules this deployment evaluates, as read from the rules file.</summary>
public sealed class AlertRulesFunction(AlertRuleBook rules) : IHttpFunction
{
    public string Name => "AlertRules";

    public Task<HttpFunctionResponse> HandleAsync(HttpFunctionRequest request, CancellationToken ct) =>
        Task.FromResult(HttpFunctionResponse.Json(new
        {
            rules = rules.Rules.Select(r => new
            {
                name = r.Name,
                description = r.Description,
                metric = AlertMetrics.NameOf(r.Metric),
                scope = r.Scope.Key,
                groupBy = r.GroupBy.ToString().ToLowerInvariant(),
                threshold = r.Condition.Describe(),
                window = DurationText.Format(r.Window),
                @for = DurationText.Format(r.For),
                minSamples = r.MinSamples,
                severity = r.Severity.ToString().ToLowerInvariant(),
                channels = r.Channels,
                renotify = r.Renotify > TimeSpan.Zero ? DurationText.Format(r.Renotify) : null,
            }),
        }));
}
