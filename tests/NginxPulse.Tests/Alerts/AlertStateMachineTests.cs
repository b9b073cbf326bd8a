using NginxPulse.Functions.Alerts.Rules;
using NginxPulse.Functions.Alerts.State;
using Xunit;

namespace NginxPulse.Tests.Alerts;

public sealed class AlertStateMachineTests
{
    private static readonly DateTime T0 = new(2026, 11, 21, 12, 0, 0, DateTimeKind.Utc);

    private static AlertRule Rule(int forMinutes = 2, int renotifyMinutes = 0) =>
        new("r", "", AlertMetric.Requests, AlertScope.All, AlertGrouping.None, AlertCondition.Above(10), TimeSpan.FromMinutes(5),
            TimeSpan.FromMinutes(forMinutes), 0, AlertSeverity.Critical, ["local"], TimeSpan.FromMinutes(renotifyMinutes));

    /// <summary>Runs one decision per minute from T0 with the given breaches; returns every decision.</summary>
    private static List<AlertDecision> Run(AlertRule rule, bool[] breaches, Func<int, bool>? silenced = null)
    {
        AlertState? state = null;
        var decisions = new List<AlertDecision>();
        for (var i = 0; i < breaches.Length; i++)
        {
            var at = T0.AddMinutes(i);
            var decision = AlertStateMachine.Decide(rule, "all", state, breaches[i] ? 20 : 1, breaches[i], at, at.AddSeconds(65), silenced?.Invoke(i) ?? false);
            decisions.Add(decision);
            state = decision.Next with { Version = (state?.Version ?? 0) + 1 };
        }
        return decisions;
    }

    private static string[] Statuses(IEnumerable<AlertDecision> decisions) => decisions.Select(d => AlertStatusText.Of(d.Next.Status)).ToArray();

    /// <summary>The notification of each decision, "-" for none.</summary>
    private static string[] Notifications(IEnumerable<AlertDecision> decisions) => decisions.Select(d => d.Notification is { } k ? AlertStatusText.Of(k) : "-").ToArray();

    [Fact]
    public void A_breach_goes_pending_fires_after_the_for_duration_resolves_and_returns_to_ok()
    {
        var decisions = Run(Rule(forMinutes: 2), [false, true, true, true, true, false, false]);

        Assert.Equal(["ok", "pending", "pending", "firing", "firing", "resolved", "ok"], Statuses(decisions));
        Assert.Equal(["-", "-", "-", "firing", "-", "resolved", "-"], Notifications(decisions));
        Assert.Equal(T0.AddMinutes(3), decisions[4].Next.SinceUtc);
    }

    [Fact]
    public void A_breach_shorter_than_the_for_duration_returns_to_ok_without_a_notification()
    {
        var decisions = Run(Rule(forMinutes: 2), [true, true, false, false]);

        Assert.Equal(["pending", "pending", "ok", "ok"], Statuses(decisions));
        Assert.All(decisions, d => Assert.Null(d.Notification));
    }

    [Fact]
    public void Without_a_for_duration_the_first_breach_fires()
    {
        var decisions = Run(Rule(forMinutes: 0), [true, false]);

        Assert.Equal(["firing", "resolved"], Statuses(decisions));
        Assert.Equal(["firing", "resolved"], Notifications(decisions));
    }

    [Fact]
    public void A_new_breach_right_after_resolving_starts_a_new_incident()
    {
        var decisions = Run(Rule(forMinutes: 0), [true, false, true, false]);

        Assert.Equal(["firing", "resolved", "firing", "resolved"], Statuses(decisions));
        Assert.Equal(["firing", "resolved", "firing", "resolved"], Notifications(decisions));
    }

    [Fact]
    public void A_firing_incident_repeats_no_more_often_than_the_renotify_interval()
    {
        var decisions = Run(Rule(forMinutes: 0, renotifyMinutes: 3), Enumerable.Repeat(true, 8).ToArray());

        Assert.Equal(["firing", "-", "-", "repeat", "-", "-", "repeat", "-"], Notifications(decisions));
    }

    [Fact]
    public void Without_a_renotify_interval_a_firing_incident_is_announced_once()
    {
        var decisions = Run(Rule(forMinutes: 0), Enumerable.Repeat(true, 30).ToArray());

        Assert.Single(decisions, d => d.Notification is not null);
    }

    [Fact]
    public void A_silence_keeps_the_state_but_suppresses_the_notifications_and_a_silenced_incident_resolves_quietly()
    {
        var decisions = Run(Rule(forMinutes: 0), [true, true, false], silenced: _ => true);

        Assert.Equal(["firing", "firing", "resolved"], Statuses(decisions));
        Assert.All(decisions, d => Assert.Null(d.Notification));
        Assert.True(decisions[0].Suppressed);
        Assert.False(decisions[2].Suppressed);
    }

    [Fact]
    public void An_incident_still_firing_when_its_silence_ends_is_announced_then()
    {
        var decisions = Run(Rule(forMinutes: 0), [true, true, true, false], silenced: i => i < 2);

        Assert.Equal(["-", "-", "firing", "resolved"], Notifications(decisions));
    }

    [Fact]
    public void A_resolve_during_a_silence_is_suppressed()
    {
        var decisions = Run(Rule(forMinutes: 0), [true, false], silenced: i => i == 1);

        Assert.Equal(["firing", "-"], Notifications(decisions));
        Assert.True(decisions[1].Suppressed);
    }

    [Fact]
    public void The_for_duration_counts_data_time_so_a_stalled_watermark_cannot_fire()
    {
        var rule = Rule(forMinutes: 2);
        var pending = AlertStateMachine.Decide(rule, "all", null, 20, true, T0, T0, silenced: false).Next;
        // The wall clock moves on ten minutes, the watermark does not.
        var again = AlertStateMachine.Decide(rule, "all", pending, 20, true, T0, T0.AddMinutes(10), silenced: false);

        Assert.Equal(AlertStatus.Pending, again.Next.Status);
    }
}
