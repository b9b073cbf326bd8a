using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NginxPulse.Functions.Alerts.Notifications;
using NginxPulse.Functions.Alerts.Rules;
using NginxPulse.Functions.Alerts.State;
using NginxPulse.Functions.Storage;

namespace NginxPulse.Functions.Alerts.Evaluation;

/// <summary>What one evaluation run did.</summary>
public sealed record EvaluationOutcome(bool Ran, DateTime? Watermark, int Transitions, int Notifications, int Conflicts, DeliveryOutcome? Delivery);

/// <summary>
/// One CheckThresholds run: under a MySQL named lock (a second evaluator finds it taken and skips), compute the
/// watermark, evaluate every rule over complete minutes, write each decision with its outbox rows, then deliver.
/// A failing rule is logged and the others still run.
/// </summary>
public sealed class AlertEvaluator
{
    private const string LockPurpose = "alerts";

    private readonly AlertRuleBook _rules;
    private readonly MySqlConnectionFactory _connections;
    private readonly WatermarkReader _watermarks;
    private readonly MetricReader _metrics;
    private readonly AlertStateStore _states;
    private readonly SilenceStore _silences;
    private readonly NotificationComposer _composer;
    private readonly NotificationDelivery _delivery;
    private readonly AlertsOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<AlertEvaluator> _logger;

    public AlertEvaluator(AlertRuleBook rules, MySqlConnectionFactory connections, WatermarkReader watermarks, MetricReader metrics,
        AlertStateStore states, SilenceStore silences, NotificationComposer composer, NotificationDelivery delivery,
        IOptions<AlertsOptions> options, TimeProvider clock, ILogger<AlertEvaluator> logger)
    {
        _rules = rules;
        _connections = connections;
        _watermarks = watermarks;
        _metrics = metrics;
        _states = states;
        _silences = silences;
        _composer = composer;
        _delivery = delivery;
        _options = options.Value;
        _clock = clock;
        _logger = logger;
    }

    public async Task<EvaluationOutcome> RunAsync(CancellationToken ct)
    {
        await using var lockConnection = await _connections.OpenAsync(ct);
        var evaluationLock = await MySqlNamedLock.TryAcquireAsync(lockConnection, LockPurpose, TimeSpan.Zero, ct);
        if (evaluationLock is null)
        {
            _logger.LogInformation("Another evaluator holds the alert lock; skipping this run");
            return new EvaluationOutcome(false, null, 0, 0, 0, null);
        }

        await using (evaluationLock)
        {
            var (watermark, transitions, notifications, conflicts) = await EvaluateAsync(ct);
            var delivery = await _delivery.DeliverDueAsync(ct);
            return new EvaluationOutcome(true, watermark, transitions, notifications, conflicts, delivery);
        }
    }

    private async Task<(DateTime Watermark, int Transitions, int Notifications, int Conflicts)> EvaluateAsync(CancellationToken ct)
    {
        var now = _clock.GetUtcNow();
        var nowUtc = now.UtcDateTime;
        var lookback = _rules.Rules.Where(r => r.Metric == AlertMetric.HostSilence).Select(r => r.Window)
            .Append(_options.MaxIngestionLag * 2).Max();
        var hosts = await _watermarks.LatestMinuteByHostAsync(IngestWatermark.FloorMinute(nowUtc) - lookback, ct);
        var watermark = IngestWatermark.Compute(hosts, now, _options.IngestionDelay, _options.MaxIngestionLag);
        var silences = await _silences.CurrentAsync(nowUtc, ct);
        var states = (await _states.ListAsync(ct)).ToLookup(s => s.Rule);

        int transitions = 0, notifications = 0, conflicts = 0;
        foreach (var rule in _rules.Rules)
        {
            try
            {
                var ruleStates = states[rule.Name].ToDictionary(s => s.Scope, StringComparer.Ordinal);
                var window = MetricWindow.EndingAt(watermark.End, rule.Window);
                var observations = await ObserveAsync(rule, watermark, window, ruleStates.Values, ct);
                foreach (var observation in observations)
                {
                    ruleStates.TryGetValue(observation.Scope, out var current);
                    var silenced = silences.Any(s => s.Matches(rule.Name, observation.Scope, nowUtc));
                    var decision = AlertStateMachine.Decide(rule, observation.Scope, current, observation.Value, observation.Breaching, watermark.End, nowUtc, silenced);
                    if (current is null && decision.Next.Status == AlertStatus.Ok && !decision.StatusChanged && observation.Value is null) continue;
                    var outbox = await _composer.ComposeAsync(rule, decision, window, nowUtc, ct);
                    if (!await _states.ApplyAsync(decision, current is null, outbox, nowUtc, ct))
                    {
                        conflicts++;
                        _logger.LogWarning("Alert state {Rule} {Scope} was changed by another evaluator; left as it is", rule.Name, observation.Scope);
                        continue;
                    }
                    if (decision.StatusChanged)
                    {
                        transitions++;
                        _logger.LogInformation("Alert {Rule} {Scope}: {From} -> {To} (value {Value}, threshold {Threshold}, window ending {Watermark:o}{Silenced})",
                            rule.Name, observation.Scope, AlertStatusText.Of(decision.Previous), AlertStatusText.Of(decision.Next.Status),
                            observation.Value, decision.Next.Threshold, watermark.End, decision.Suppressed ? ", silenced" : "");
                    }
                    if (outbox.Count > 0) notifications++;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                _logger.LogError(e, "Evaluating alert rule {Rule} failed; the other rules still run", rule.Name);
            }
        }
        return (watermark.End, transitions, notifications, conflicts);
    }

    private async Task<IReadOnlyList<Observation>> ObserveAsync(AlertRule rule, IngestWatermark watermark, MetricWindow window,
        IEnumerable<AlertState> ruleStates, CancellationToken ct)
    {
        var open = ruleStates.Where(s => s.Status != AlertStatus.Ok).Select(s => s.Scope).ToList();
        if (rule.Metric == AlertMetric.HostSilence) return RuleEvaluator.EvaluateSilence(rule, watermark, open);

        var current = await _metrics.ReadAsync(rule, window, ct);
        var baseline = rule.Condition.RelativeTo == ConditionBaseline.None
            ? null
            : await _metrics.ReadAsync(rule, window.ShiftBack(rule.Condition.BaselineOffset), ct);
        var groups = await _metrics.GroupsAsync(rule, window.Start - _options.GroupLookback, window.End, ct);
        return RuleEvaluator.Evaluate(rule, current, baseline, groups.Concat(current.Keys).Concat(open));
    }
}
