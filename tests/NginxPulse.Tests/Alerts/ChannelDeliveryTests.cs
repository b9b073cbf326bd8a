using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NginxPulse.Functions.Alerts.Notifications;
using Xunit;

namespace NginxPulse.Tests.Alerts;

/// <summary>Each channel against a real local endpoint, and the outbox's retries: nothing is lost, failures are visible.</summary>
public sealed class ChannelDeliveryTests
{
    private static string Rules(string channels) => $$"""
        { "rules": [ { "name": "busy", "description": "More than 5 requests a minute.", "metric": "requests", "scope": "vhost:www.example.com",
          "condition": { "above": 5 }, "window": "1m", "severity": "critical", "channels": {{channels}} } ] }
        """;

    /// <summary>Traffic that breaches at once: the first evaluation fires.</summary>
    private static async Task FireAsync(AlertHarness harness)
    {
        await harness.Traffic.MinuteAsync(AlertHarness.Start, 10, path: "/checkout");
        await harness.Traffic.MinuteAsync(AlertHarness.Start.AddMinutes(1), 10);
        await harness.EvaluateAtAsync(AlertHarness.Start.AddMinutes(2).AddSeconds(5));
    }

    [Fact]
    public async Task SendGrid_gets_a_v3_mail_send_request_with_the_bearer_key_and_the_alert_in_the_body()
    {
        await using var sendGrid = await HttpSink.StartAsync(_ => 202);
        await using var harness = await AlertHarness.CreateAsync(Rules("""["sendgrid"]"""), new Dictionary<string, string?>
        {
            ["Alerts:SendGrid:ApiKey"] = "SG.test-key",
            ["Alerts:SendGrid:BaseUrl"] = sendGrid.Address.ToString(),
            ["Alerts:MailFrom"] = "alerts@example.com",
            ["Alerts:MailTo"] = "ops@example.com, oncall@example.com",
            ["NginxPulsePublicUrl"] = "https://pulse.example.com",
        });

        await FireAsync(harness);

        var request = Assert.Single(sendGrid.Requests);
        Assert.Equal(("POST", "/v3/mail/send"), (request.Method, request.PathAndQuery));
        Assert.Equal("Bearer SG.test-key", request.Headers["Authorization"]);
        Assert.StartsWith("application/json", request.Headers["Content-Type"]);
        using var body = JsonDocument.Parse(request.Body);
        var root = body.RootElement;
        Assert.Equal(["ops@example.com", "oncall@example.com"],
            root.GetProperty("personalizations")[0].GetProperty("to").EnumerateArray().Select(t => t.GetProperty("email").GetString()));
        Assert.Equal("alerts@example.com", root.GetProperty("from").GetProperty("email").GetString());
        Assert.Equal("[FIRING] critical: busy on vhost:www.example.com (10 vs > 5)", root.GetProperty("subject").GetString());
        var content = root.GetProperty("content")[0];
        Assert.Equal("text/plain", content.GetProperty("type").GetString());
        var text = content.GetProperty("value").GetString()!;
        Assert.Contains("More than 5 requests a minute.", text);
        Assert.Contains("Window:    1m (2026-11-21 12:00 to 2026-11-21 12:01 UTC)", text);
        Assert.Contains("/checkout", text);
        Assert.Contains("https://pulse.example.com/api/reports/summary?from=2026-11-21T12%3A00%3A00Z&to=2026-11-21T12%3A01%3A00Z&vhost=www.example.com", text);
        Assert.True(Assert.Single(await harness.OutboxAsync()).Delivered);
    }

    [Fact]
    public async Task Smtp_delivers_the_mail_to_a_local_smtp_server()
    {
        await using var smtp = new SmtpSink();
        await using var harness = await AlertHarness.CreateAsync(Rules("""["smtp"]"""), new Dictionary<string, string?>
        {
            ["Alerts:Smtp:Host"] = "127.0.0.1",
            ["Alerts:Smtp:Port"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Alerts:MailFrom"] = "alerts@example.com",
            ["Alerts:MailTo"] = "ops@example.com",
        });

        await FireAsync(harness);

        var message = Assert.Single(smtp.Messages);
        Assert.Equal("<alerts@example.com>", message.From);
        Assert.Equal(["<ops@example.com>"], message.To);
        Assert.Contains("X-NginxPulse-Alert: firing; rule=busy; scope=vhost:www.example.com", message.Data);
        Assert.Contains("busy on vhost:www.example.com", message.Data);
        Assert.True(Assert.Single(await harness.OutboxAsync()).Delivered);
    }

    [Fact]
    public async Task A_failing_channel_is_retried_with_backoff_until_it_accepts_and_never_holds_up_the_others()
    {
        await using var webhook = await HttpSink.StartAsync(n => n <= 2 ? 503 : 200);
        await using var harness = await AlertHarness.CreateAsync(Rules("""["webhook", "local"]"""), new Dictionary<string, string?>
        {
            ["Alerts:Webhook:Url"] = new Uri(webhook.Address, "hook").ToString(),
            ["Alerts:RetryBaseDelay"] = "00:01:00",
        });
        var delivery = harness.Services.GetRequiredService<NotificationDelivery>();

        await FireAsync(harness);
        var afterFirst = await harness.OutboxAsync();
        var hook = Assert.Single(afterFirst, r => r.Channel == "webhook");
        Assert.Equal((1, false), (hook.Attempts, hook.Delivered));
        Assert.Contains("webhook answered 503", hook.LastError);
        Assert.True(Assert.Single(afterFirst, r => r.Channel == "local").Delivered);

        harness.Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(new DeliveryOutcome(0, 0, false), await delivery.DeliverDueAsync(CancellationToken.None));
        harness.Clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(new DeliveryOutcome(0, 1, false), await delivery.DeliverDueAsync(CancellationToken.None));
        harness.Clock.Advance(TimeSpan.FromSeconds(119));
        Assert.Equal(new DeliveryOutcome(0, 0, false), await delivery.DeliverDueAsync(CancellationToken.None));
        harness.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(new DeliveryOutcome(1, 0, false), await delivery.DeliverDueAsync(CancellationToken.None));

        hook = Assert.Single(await harness.OutboxAsync(), r => r.Channel == "webhook");
        Assert.Equal((3, true), (hook.Attempts, hook.Delivered));
        Assert.Equal(3, webhook.Requests.Count);
        Assert.Single(webhook.Requests.Select(r => r.Body).Distinct());
        using var payload = JsonDocument.Parse(webhook.Requests[0].Body);
        Assert.Equal("busy", payload.RootElement.GetProperty("alert").GetProperty("rule").GetString());
        Assert.Equal(hook.Id, payload.RootElement.GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task A_channel_that_does_not_answer_times_out_and_is_recorded_as_failed()
    {
        await using var webhook = await HttpSink.StartAsync(_ => 200, _ => TimeSpan.FromSeconds(30));
        await using var harness = await AlertHarness.CreateAsync(Rules("""["webhook"]"""), new Dictionary<string, string?>
        {
            ["Alerts:Webhook:Url"] = webhook.Address.ToString(),
            ["Alerts:ChannelTimeout"] = "00:00:00.500",
        });

        await FireAsync(harness);

        var row = Assert.Single(await harness.OutboxAsync());
        Assert.Equal((1, false), (row.Attempts, row.Delivered));
        Assert.Contains("did not answer within", row.LastError);
    }

    [Fact]
    public void Backoff_doubles_per_attempt_up_to_the_maximum()
    {
        var options = Microsoft.Extensions.Options.Options.Create(new Functions.Alerts.AlertsOptions
        {
            RetryBaseDelay = TimeSpan.FromSeconds(30), RetryMaxDelay = TimeSpan.FromMinutes(5),
        });
        var delivery = new NotificationDelivery(null!, [], options, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<NotificationDelivery>.Instance);

        Assert.Equal([30, 60, 120, 240, 300, 300], new[] { 1, 2, 3, 4, 5, 50 }.Select(a => delivery.Backoff(a).TotalSeconds));
    }
}
