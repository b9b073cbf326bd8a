using Microsoft.Extensions.Options;
using NginxPulse.Functions.Alerts.Notifications;

namespace NginxPulse.Functions.Alerts.Channels;

/// <summary>SendGrid Web API v3: <c>POST {BaseUrl}/v3/mail/send</c> with the API key as bearer token; 2xx means accepted.</summary>
public sealed class SendGridChannel(IHttpClientFactory clients, IOptions<AlertsOptions> options) : IAlertChannel
{
    public const string HttpClientName = "alerts-sendgrid";

    public string Name => "sendgrid";

    public Task SendAsync(OutboxMessage message, CancellationToken ct)
    {
        var settings = options.Value;
        var n = message.Notification;
        var body = new
        {
            personalizations = new[] { new { to = settings.Recipients().Select(r => new { email = r }).ToArray() } },
            from = new { email = settings.MailFrom },
            subject = n.Subject,
            content = new[] { new { type = "text/plain", value = n.Body() } },
            headers = new Dictionary<string, string> { ["X-NginxPulse-Alert"] = $"{n.Kind}; rule={n.Rule}; scope={n.Scope}" },
        };
        var uri = new Uri(new Uri(settings.SendGrid.BaseUrl.TrimEnd('/') + "/"), "v3/mail/send");
        return JsonPost.SendAsync(clients.CreateClient(HttpClientName), uri, body, settings.SendGrid.ApiKey, "SendGrid", ct);
    }
}
