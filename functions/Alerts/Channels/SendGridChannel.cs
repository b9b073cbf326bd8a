using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.Options;
using NginxPulse.Functions.Alerts.Notifications;

namespace NginxPulse.Functions.Alerts.Channels;

/// <summary>SendGrid Web API v3: <c>POST {BaseUrl}/v3/mail/send</c> with the API key as bearer token; 2xx means accepted.</summary>
public sealed class SendGridChannel : IAlertChannel
{
    public const string HttpClientName = "alerts-sendgrid";

    private readonly IHttpClientFactory _clients;
    private readonly AlertsOptions _options;

    public SendGridChannel(IHttpClientFactory clients, IOptions<AlertsOptions> options)
    {
        _clients = clients;
        _options = options.Value;
    }

    public string Name => "sendgrid";

    public async Task SendAsync(OutboxMessage message, CancellationToken ct)
    {
        var n = message.Notification;
        var body = new
        {
            personalizations = new[] { new { to = _options.Recipients().Select(r => new { email = r }).ToArray() } },
            from = new { email = _options.MailFrom },
            subject = n.Subject,
            content = new[] { new { type = "text/plain", value = n.Body() } },
            headers = new Dictionary<string, string> { ["X-NginxPulse-Alert"] = $"{n.Kind}; rule={n.Rule}; scope={n.Scope}" },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(_options.SendGrid.BaseUrl.TrimEnd('/') + "/"), "v3/mail/send"))
        {
            Content = JsonContent.Create(body),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.SendGrid.ApiKey);
        using var response = await _clients.CreateClient(HttpClientName).SendAsync(request, ct);
        await HttpChannelResponse.EnsureAcceptedAsync(response, "SendGrid", ct);
    }
}
