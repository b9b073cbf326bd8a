using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NginxPulse.Functions.Alerts.Channels;

namespace NginxPulse.Functions.Alerts.Notifications;

/// <summary>What one delivery pass did.</summary>
public sealed record DeliveryOutcome(int Delivered, int Failed, bool BudgetExhausted);

/// <summary>
/// Delivers due outbox rows by channel. A failure is recorded on the row (attempts, last_error) with an
/// exponentially growing delay before the next attempt, and the channel is left alone for the rest of the pass;
/// rows are never given up on. The pass stops when its time budget is spent so evaluation is never held up.
/// </summary>
public sealed class NotificationDelivery
{
    private const int BatchSize = 100;

    private readonly OutboxStore _outbox;
    private readonly IReadOnlyDictionary<string, IAlertChannel> _channels;
    private readonly AlertsOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<NotificationDelivery> _logger;

    public NotificationDelivery(OutboxStore outbox, IEnumerable<IAlertChannel> channels, IOptions<AlertsOptions> options, TimeProvider clock, ILogger<NotificationDelivery> logger)
    {
        _outbox = outbox;
        _channels = channels.ToDictionary(c => c.Name, StringComparer.Ordinal);
        _options = options.Value;
        _clock = clock;
        _logger = logger;
    }

    public async Task<DeliveryOutcome> DeliverDueAsync(CancellationToken ct)
    {
        // The budget and per-attempt timeout bound real I/O, so they run on real time whatever clock drives the domain.
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(ct);
        budget.CancelAfter(_options.DeliveryBudget);
        var failedChannels = new HashSet<string>(StringComparer.Ordinal);
        int delivered = 0, failed = 0;
        try
        {
            while (true)
            {
                // A delivered row is no longer due and a failed one waits for its backoff, so each pass ends.
                var due = await _outbox.DueAsync(_clock.GetUtcNow().UtcDateTime, BatchSize, failedChannels, budget.Token);
                if (due.Count == 0) break;
                foreach (var message in due)
                {
                    if (failedChannels.Contains(message.Channel)) continue;
                    if (await TryDeliverAsync(message, budget.Token)) delivered++;
                    else
                    {
                        failed++;
                        failedChannels.Add(message.Channel);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            _logger.LogWarning("Alert delivery stopped after its budget of {Budget}; {Delivered} delivered, the rest waits for the next run", _options.DeliveryBudget, delivered);
            return new DeliveryOutcome(delivered, failed, true);
        }
        return new DeliveryOutcome(delivered, failed, false);
    }

    private async Task<bool> TryDeliverAsync(OutboxMessage message, CancellationToken budget)
    {
        try
        {
            if (!_channels.TryGetValue(message.Channel, out var channel))
                throw new InvalidOperationException($"channel '{message.Channel}' is not configured in this deployment");
            using (var attempt = CancellationTokenSource.CreateLinkedTokenSource(budget))
            {
                attempt.CancelAfter(_options.ChannelTimeout);
                try { await channel.SendAsync(message, attempt.Token); }
                catch (OperationCanceledException) when (!budget.IsCancellationRequested)
                {
                    throw new TimeoutException($"channel '{message.Channel}' did not answer within {_options.ChannelTimeout}");
                }
            }
            await _outbox.MarkDeliveredAsync(message.Id, _clock.GetUtcNow().UtcDateTime, CancellationToken.None);
            _logger.LogInformation("Delivered alert notification {OutboxId} ({Kind} {Rule} {Scope}) by {Channel} after {Attempts} earlier failures",
                message.Id, message.Notification.Kind, message.Notification.Rule, message.Notification.Scope, message.Channel, message.Attempts);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !budget.IsCancellationRequested)
        {
            var attempts = message.Attempts + 1;
            var now = _clock.GetUtcNow().UtcDateTime;
            var next = now + Backoff(attempts);
            await _outbox.MarkFailedAsync(message.Id, $"{e.GetType().Name}: {e.Message}", now, next, CancellationToken.None);
            _logger.LogError(e, "Delivering alert notification {OutboxId} ({Kind} {Rule} {Scope}) by {Channel} failed (attempt {Attempts}); next attempt at {NextAttempt:o}",
                message.Id, message.Notification.Kind, message.Notification.Rule, message.Notification.Scope, message.Channel, attempts, next);
            return false;
        }
    }

    /// <summary>RetryBaseDelay doubled per failed attempt, capped at RetryMaxDelay.</summary>
    public TimeSpan Backoff(int attempts)
    {
        var factor = Math.Pow(2, Math.Min(attempts - 1, 30));
        var delay = _options.RetryBaseDelay.TotalSeconds * factor;
        return delay >= _options.RetryMaxDelay.TotalSeconds ? _options.RetryMaxDelay : TimeSpan.FromSeconds(delay);
    }
}
