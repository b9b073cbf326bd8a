using Microsoft.Extensions.Options;
using NginxPulse.Functions.Alerts.Notifications;

namespace NginxPulse.Functions.Alerts.Channels;

/// <summary>POSTs the notification as JSON (camelCase, with subject and outbox id) to the configured URL; 2xx means accepted.</summary>
public sealed class WebhookChannel(IHttpClientFactory clients, IOptions<AlertsOptions> options) : IAlertChannel
{
    public const string HttpClientName = "alerts-webhook";

    public string Name => "webhook";

    public Task SendAsync(OutboxMessage message, CancellationToken ct) =>
        JsonPost.SendAsync(clients.CreateClient(HttpClientName), new Uri(options.Value.Webhook.Url),
            new { id = message.Id, subject = message.Notification.Subject, alert = message.Notification }, bearerToken: null, "webhook", ct);
}
