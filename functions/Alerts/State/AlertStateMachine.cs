using NginxPulse.Functions.Alerts.Rules;

namespace NginxPulse.Functions.Alerts.State;

/// <summary>What one evaluation does to a state: the next state and the notification it owes, if any.</summary>
/// <param name="Notification">The notification due; null when none is.</param>
/// <param name="Suppressed">A notification was due but a silence holds it back.</param>
public sealed record AlertDecision(AlertState Next, AlertStatus Previous, NotificationKind? Notification, bool Suppressed)
{
    public bool StatusChanged => Next.Status != Previous;
}

/// <summary>
/// ok → pending → firing → resolved → ok. Pending becomes firing once the condition held for the rule's
/// <c>for</c> duration of data time (watermarks, so a stalled pipeline cannot age an incident); a dropped condition
/// resolves a firing incident and returns a pending one to ok. Exactly one notification on firing, one on resolve
/// (only for an incident that was announced), repeats no more often than the rule's re-notify interval. A silence
/// suppresses the notification but not the state change; an incident first announced after its silence ends is
/// announced then.
/// </summary>
public static class AlertStateMachine
{
    /// <param name="current">The stored state; null for a scope seen the first time.</param>
    /// <param name="dataTime">The watermark the observation was computed up to.</param>
    /// <param name="now">Wall-clock time, for the re-notify interval.</param>
    public static AlertDecision Decide(AlertRule rule, string scope, AlertState? current, double? value, bool breaching,
        DateTime dataTime, DateTime now, bool silenced)
    {
        var previous = current?.Status ?? AlertStatus.Ok;
        var since = current?.SinceUtc ?? dataTime;
        var notified = current?.IncidentNotified ?? false;
        var lastNotified = current?.LastNotifiedUtc;

        AlertStatus next;
        switch (previous)
        {
            case AlertStatus.Pending when breaching:
                next = dataTime - since >= rule.For ? AlertStatus.Firing : AlertStatus.Pending;
                break;
            case AlertStatus.Firing when breaching:
                next = AlertStatus.Firing;
                break;
            case AlertStatus.Firing:
                next = AlertStatus.Resolved;
                break;
            case AlertStatus.Ok or AlertStatus.Resolved when breaching:
                next = rule.For <= TimeSpan.Zero ? AlertStatus.Firing : AlertStatus.Pending;
                break;
            default:
                next = AlertStatus.Ok;
                break;
        }
        if (next != previous) since = dataTime;
        // A new incident (entered from ok, pending or resolved) has not been announced yet.
        if (next is AlertStatus.Ok or AlertStatus.Pending || (next == AlertStatus.Firing && previous != AlertStatus.Firing)) notified = false;

        NotificationKind? due = next switch
        {
            AlertStatus.Firing when !notified => NotificationKind.Firing,
            AlertStatus.Firing when rule.Renotify > TimeSpan.Zero && lastNotified is { } last && now - last >= rule.Renotify => NotificationKind.Repeat,
            AlertStatus.Resolved when previous == AlertStatus.Firing && notified => NotificationKind.Resolved,
            _ => null,
        };
        var send = due is not null && !silenced;
        if (send)
        {
            lastNotified = now;
            if (due == NotificationKind.Firing) notified = true;
        }

        var state = new AlertState(rule.Name, scope, next, since, value, rule.Condition.Describe(), rule.Severity, notified, lastNotified,
            dataTime, current?.Version ?? 0);
        return new AlertDecision(state, previous, send ? due : null, due is not null && silenced);
    }
}
