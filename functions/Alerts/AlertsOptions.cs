namespace NginxPulse.Functions.Alerts;

/// <summary>The "Alerts" settings (environment: <c>Alerts__RulesPath</c>, ...). Validated at start-up with the rules file.</summary>
public sealed class AlertsOptions
{
    public const string Section = "Alerts";

    /// <summary>The top-level setting with the base URL mails link reports to.</summary>
    public const string PublicUrlSetting = "NginxPulsePublicUrl";

    /// <summary>The rules file; a relative path is resolved against the app root.</summary>
    public string RulesPath { get; set; } = "alert-rules.json";

    /// <summary>
    /// A minute is evaluated only once the wall clock is this far past its end, for lines still on their way through
    /// Kafka (per host, the watermark already waits for the host's next minute to arrive).
    /// </summary>
    public TimeSpan IngestionDelay { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// A host whose stored data is further behind the newest host than this no longer holds the evaluation back
    /// (it is silent, not late); when every host is this far behind the wall clock, the wall clock decides.
    /// </summary>
    public TimeSpan MaxIngestionLag { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A vhost/host seen this long before a grouped rule's window still gets a state when its traffic stops.</summary>
    public TimeSpan GroupLookback { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long one run may spend delivering before it stops (undelivered rows wait for the next run).</summary>
    public TimeSpan DeliveryBudget { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>One delivery attempt fails after this long.</summary>
    public TimeSpan ChannelTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Delay after the first failed attempt; doubled per attempt up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How many top paths and clients a notification lists.</summary>
    public int TopListSize { get; set; } = 5;

    public string MailFrom { get; set; } = "nginxpulse@localhost";

    /// <summary>Comma-separated recipients of every mail channel.</summary>
    public string MailTo { get; set; } = "ops@localhost";

    /// <summary>Set from <see cref="PublicUrlSetting"/>.</summary>
    public string PublicUrl { get; set; } = "http://127.0.0.1:7071";

    public LocalChannelOptions Local { get; set; } = new();

    public SendGridChannelOptions SendGrid { get; set; } = new();

    public SmtpChannelOptions Smtp { get; set; } = new();

    public WebhookChannelOptions Webhook { get; set; } = new();

    /// <summary>The channels rules may name: local always, the others once their settings are given.</summary>
    public IReadOnlySet<string> ConfiguredChannels()
    {
        var channels = new HashSet<string>(StringComparer.Ordinal) { "local" };
        if (!string.IsNullOrWhiteSpace(SendGrid.ApiKey)) channels.Add("sendgrid");
        if (!string.IsNullOrWhiteSpace(Smtp.Host)) channels.Add("smtp");
        if (!string.IsNullOrWhiteSpace(Webhook.Url)) channels.Add("webhook");
        return channels;
    }

    public IReadOnlyList<string> Recipients() =>
        MailTo.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

public sealed class LocalChannelOptions
{
    /// <summary>Where .eml files are written; a relative path is resolved against the app root.</summary>
    public string Directory { get; set; } = "alert-mail";
}

public sealed class SendGridChannelOptions
{
    public string ApiKey { get; set; } = "";

    public string BaseUrl { get; set; } = "https://api.sendgrid.com";
}

public sealed class SmtpChannelOptions
{
    public string Host { get; set; } = "";

    public int Port { get; set; } = 25;

    public bool EnableSsl { get; set; }

    public string UserName { get; set; } = "";

    public string Password { get; set; } = "";
}

public sealed class WebhookChannelOptions
{
    public string Url { get; set; } = "";
}
