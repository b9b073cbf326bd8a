using NginxPulse.Functions.Alerts.State;
using NginxPulse.Functions.Hosting;

namespace NginxPulse.Functions.AlertStates;

/// <summary>
/// GET alerts/states: the current state of every rule and scope, with the silence that covers it (the dashboard
/// contract: rule, scope, state, since, value, threshold, severity, silencedUntil).
/// </summary>
public sealed class AlertStatesFunction : IHttpFunction
{
    private readonly AlertStateStore _states;
    private readonly SilenceStore _silences;
    private readonly TimeProvider _clock;

    public AlertStatesFunction(AlertStateStore states, SilenceStore silences, TimeProvider clock)
    {
        _states = states;
        _silences = silences;
        _clock = clock;
    }

    public string Name => "AlertStates";

    public async Task<HttpFunctionResponse> HandleAsync(HttpFunctionRequest request, CancellationToken ct)
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        var silences = await _silences.CurrentAsync(now, ct);
        var states = await _states.ListAsync(ct);
        return HttpFunctionResponse.Json(new
        {
            states = states.Select(s => new
            {
                rule = s.Rule,
                scope = s.Scope,
                state = AlertStatusText.Of(s.Status),
                since = s.SinceUtc,
                value = s.Value,
                threshold = s.Threshold,
                severity = s.Severity.ToString().ToLowerInvariant(),
                silencedUntil = silences.Where(x => x.Matches(s.Rule, s.Scope, now)).Select(x => (DateTime?)x.EndsUtc).Max(),
            }),
        });
    }
}
