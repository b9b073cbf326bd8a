using NginxPulse.Functions.Alerts.State;
using NginxPulse.Functions.Hosting;

namespace NginxPulse.Functions.AlertStates;

/// <summary>
/// GET alerts/states: the current state of every rule and scope, with the silence that covers it (the dashboard
/// contract: rule, scope, state, since, value, threshold, severity, silencedUntil).
/// </summary>
public sealed class AlertStatesFunction(AlertStateStore states, SilenceStore silences, TimeProvider clock) : IHttpFunction
{
    public string Name => "AlertStates";

    public async Task<HttpFunctionResponse> HandleAsync(HttpFunctionRequest request, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var active = await silences.CurrentAsync(now, ct);
        var current = await states.ListAsync(ct);
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
