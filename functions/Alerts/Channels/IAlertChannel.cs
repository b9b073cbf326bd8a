using NginxPulse.Functions.Alerts.Notifications;

namespace NginxPulse.Functions.Alerts.Channels;

/// <summary>Delivers one notification; throws when it was not accepted (the outbox retries it later).</summary>
public interface IAlertChannel
{
    /// <summary>The name rules use in "channels".</summary>
    string Name { get; }

    Task SendAsync(OutboxMessage message, CancellationToken ct);
}
