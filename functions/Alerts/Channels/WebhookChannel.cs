using System.Net.Http.Json;
using Microsoft.Extensions.Options;
using NginxPulse.Functions.Alerts.Notifications;
using NginxPulse.Functions.Hosting;

namespace NginxPulse.Functions.Alerts.Channels;

/// <summary>POSTs the notification as JSON (camelCase, with subject and outbox id) to the configured URL; 2xx means accepted.</summary>
public sealed class WebhookChannel : IAlertChannel
{
    public const string HttpClientName = "alerts-webhook";

    private readonly IHttpClientFactory _clients;
    private readonly AlertsOptions _options;

    public WebhookChannel(IHttpClientFactory clients, IOptions<AlertsOptions> options)
    {
        _clients = clients;
        _options = options.Value;
    }

    public string Name => "webhook";

    public async Task SendAsync(OutboxMessage message, CancellationToken ct)
    {
        var payload = new { id = message.Id, subject = message.Notification.Subject, alert = message.Notification };
        using var response = await _clients.CreateClient(HttpClientName)
            .PostAsJsonAsync(new Uri(_options.Webhook.Url), payload, HttpFunctionResponse.JsonOptions, ct);
        await HttpChannelResponse.EnsureAcceptedAsync(response, "webhook", ct);
    }
}

internal static class HttpChannelResponse
{
    /// <summary>Throws with the status and the start of the body, which is what an operator needs to see in last_error.</summary>
    public static async Task EnsureAcceptedAsync(HttpResponseMessage response, string what, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode) return;
        var body = await response.Content.ReadAsStringAsync(ct);
        throw new HttpRequestException($"{what} answered {(int)response.StatusCode} {response.ReasonPhrase}: {(body.Length > 500 ? body[..500] : body)}");
    }
}
