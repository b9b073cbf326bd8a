using Microsoft.Extensions.Logging;
using NginxPulse.Functions.Alerts.Evaluation;
using NginxPulse.Functions.Hosting;

namespace NginxPulse.Functions.CheckThresholds;

/// <summary>
/// The timer that replaces Celery beat: evaluates the alert rules over complete minutes and delivers the outbox.
/// Safe to repeat and to run on several replicas (the evaluator takes a MySQL named lock).
/// </summary>
public sealed class CheckThresholdsFunction : ITimerFunction
{
    private readonly AlertEvaluator _evaluator;
    private readonly ILogger<CheckThresholdsFunction> _logger;

    public CheckThresholdsFunction(AlertEvaluator evaluator, ILogger<CheckThresholdsFunction> logger)
    {
        _evaluator = evaluator;
        _logger = logger;
    }

    public string Name => "CheckThresholds";

    public async Task RunAsync(TimerTick tick, CancellationToken ct)
    {
        var outcome = await _evaluator.RunAsync(ct);
        if (!outcome.Ran) return;
        _logger.LogInformation(
            "CheckThresholds evaluated up to {Watermark:o}: {Transitions} state changes, {Notifications} notifications queued, {Conflicts} conflicts; delivered {Delivered}, failed {Failed}{PastDue}",
            outcome.Watermark, outcome.Transitions, outcome.Notifications, outcome.Conflicts, outcome.Delivery?.Delivered, outcome.Delivery?.Failed,
            tick.IsPastDue ? " (past due)" : "");
    }
}
