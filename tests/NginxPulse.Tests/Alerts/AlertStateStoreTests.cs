using NginxPulse.Functions.Alerts.Notifications;
using NginxPulse.Functions.Alerts.Rules;
using NginxPulse.Functions.Alerts.State;
using NginxPulse.Tests.Storage;
using Xunit;

namespace NginxPulse.Tests.Alerts;

/// <summary>The version guard: of two writers that read the same state, exactly one transition (and its outbox row) is stored.</summary>
public sealed class AlertStateStoreTests : IAsyncLifetime
{
    private static readonly DateTime T0 = new(2026, 11, 21, 12, 0, 0, DateTimeKind.Utc);
    private static readonly AlertRule Rule = new("r", "", AlertMetric.Requests, AlertScope.All, AlertGrouping.None, AlertCondition.Above(10),
        TimeSpan.FromMinutes(5), TimeSpan.Zero, 0, AlertSeverity.Critical, ["local"], TimeSpan.Zero);

    private TestDatabase _db = null!;
    private AlertStateStore _store = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _store = new AlertStateStore(_db.Connections);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private static OutboxEntry[] Outbox(AlertDecision decision) =>
        [new OutboxEntry("r", "all", "firing", "local", new AlertNotification("firing", "r", "", "all", "critical", "requests", decision.Next.Value, "", "> 10", "5m", T0, T0, [], [], "http://x", T0))];

    [Fact]
    public async Task Two_writers_creating_the_same_state_store_it_once()
    {
        var decision = AlertStateMachine.Decide(Rule, "all", null, 20, true, T0, T0, silenced: false);

        var results = await Task.WhenAll(
            Task.Run(() => _store.ApplyAsync(decision, isNew: true, Outbox(decision), T0, CancellationToken.None)),
            Task.Run(() => _store.ApplyAsync(decision, isNew: true, Outbox(decision), T0, CancellationToken.None)));

        Assert.Single(results, r => r);
        Assert.Equal(1, await _db.ScalarAsync("SELECT COUNT(*) FROM alert_outbox"));
        Assert.Equal(1, await _db.ScalarAsync("SELECT COUNT(*) FROM alert_history"));
    }

    [Fact]
    public async Task A_writer_holding_a_stale_version_changes_nothing()
    {
        var first = AlertStateMachine.Decide(Rule, "all", null, 1, false, T0, T0, silenced: false);
        Assert.True(await _store.ApplyAsync(first, isNew: true, [], T0, CancellationToken.None));
        var read = Assert.Single(await _store.ListAsync(CancellationToken.None));
        var firing = AlertStateMachine.Decide(Rule, "all", read, 20, true, T0.AddMinutes(1), T0.AddMinutes(1), silenced: false);

        var results = await Task.WhenAll(
            Task.Run(() => _store.ApplyAsync(firing, isNew: false, Outbox(firing), T0, CancellationToken.None)),
            Task.Run(() => _store.ApplyAsync(firing, isNew: false, Outbox(firing), T0, CancellationToken.None)));

        Assert.Single(results, r => r);
        Assert.Equal(1, await _db.ScalarAsync("SELECT COUNT(*) FROM alert_outbox"));
        var stored = Assert.Single(await _store.ListAsync(CancellationToken.None));
        Assert.Equal((AlertStatus.Firing, 2L), (stored.Status, stored.Version));
    }
}
