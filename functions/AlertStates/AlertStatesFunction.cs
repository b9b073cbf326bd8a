using NginxPulse.Functions.Alerts.Rules;
using NginxPulse.Functions.Alerts.State;
using NginxPulse.Functions.Hosting;

namespace NginxPulse.Functions.AlertStates;

/// <summary>
/// GET alerts/states: the current state of every configured rule and scope, with the silence that covers it (the
/// dashboard contract: rule, scope, state, since, value, threshold, severity, silencedUntil).
/// </summary>
public sealed class AlertStatesFunction(AlertStateStore states, SilenceStore silences, AlertRuleBook rules, TimeProvider clock) : IHttpFunction
{
    public string Name => "AlertStates";

    public async Task<HttpFunctionResponse> HandleAsync(HttpFunctionRequest request, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var active = await silences.CurrentAsync(now, ct);
        // States of rules since removed from the rules file stay in the database (and their history) but are not current.
        var current = (await states.ListAsync(ct)).Where(s => rules.Find(s.Rule) is not null);
        return HttpFunctionResponse.Json(new
        {
            states = current.Select(s => new
            {
                rule = s.Rule,
                scope = s.Scope,
                state = AlertStatusText.Of(s.Status),
                since = s.SinceUtc,
                value = s.Value,
                threshold = s.Threshold,
                severity = s.Severity.ToString().ToLowerInvariant(),
                silencedUntil = active.Where(x => x.Matches(s.Rule, s.Scope, now)).Select(x => (DateTime?)x.EndsUtc).Max(),
            }),
        });
    }
}
