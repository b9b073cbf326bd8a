using System.Net.Mail;
using Microsoft.Extensions.Options;
using NginxPulse.Functions.Alerts.Rules;

namespace NginxPulse.Functions.Alerts;

/// <summary>Checks the settings and the rules file, so a typo stops start-up with a message naming the setting or rule and field.</summary>
public sealed class AlertsOptionsValidator : IValidateOptions<AlertsOptions>
{
    public ValidateOptionsResult Validate(string? name, AlertsOptions options)
    {
        var problems = new List<string>();
        void Positive(TimeSpan value, string setting, bool zeroAllowed = false)
        {
            if (value < TimeSpan.Zero || (!zeroAllowed && value == TimeSpan.Zero))
                problems.Add($"setting {AlertsOptions.Section}:{setting} must be {(zeroAllowed ? "zero or more" : "positive")}, not {value}");
        }
        void AbsoluteUrl(string value, string setting, bool optional)
        {
            if (optional && string.IsNullOrWhiteSpace(value)) return;
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                problems.Add($"setting {setting} must be an absolute http(s) URL, not '{value}'");
        }

        Positive(options.IngestionDelay, nameof(options.IngestionDelay), zeroAllowed: true);
        Positive(options.MaxIngestionLag, nameof(options.MaxIngestionLag));
        Positive(options.GroupLookback, nameof(options.GroupLookback), zeroAllowed: true);
        Positive(options.DeliveryBudget, nameof(options.DeliveryBudget));
        Positive(options.ChannelTimeout, nameof(options.ChannelTimeout));
        Positive(options.RetryBaseDelay, nameof(options.RetryBaseDelay));
        if (options.RetryMaxDelay < options.RetryBaseDelay)
            problems.Add($"setting {AlertsOptions.Section}:RetryMaxDelay must not be below RetryBaseDelay");
        if (options.TopListSize is < 0 or > 100)
            problems.Add($"setting {AlertsOptions.Section}:TopListSize must be within 0..100");
        if (!MailAddress.TryCreate(options.MailFrom, out _))
            problems.Add($"setting {AlertsOptions.Section}:MailFrom is not a mail address: '{options.MailFrom}'");
        if (options.Recipients().Count == 0 || options.Recipients().Any(r => !MailAddress.TryCreate(r, out _)))
            problems.Add($"setting {AlertsOptions.Section}:MailTo must be a comma-separated list of mail addresses, not '{options.MailTo}'");
        if (string.IsNullOrWhiteSpace(options.Local.Directory))
            problems.Add($"setting {AlertsOptions.Section}:Local:Directory must not be empty");
        AbsoluteUrl(options.PublicUrl, AlertsOptions.PublicUrlSetting, optional: false);
        AbsoluteUrl(options.SendGrid.BaseUrl, $"{AlertsOptions.Section}:SendGrid:BaseUrl", optional: false);
        AbsoluteUrl(options.Webhook.Url, $"{AlertsOptions.Section}:Webhook:Url", optional: true);
        if (options.Smtp.Port is < 1 or > 65535)
            problems.Add($"setting {AlertsOptions.Section}:Smtp:Port must be within 1..65535");

        var load = AlertRulesFile.Load(options.RulesPath, options.ConfiguredChannels());
        problems.AddRange(load.Problems.Select(p => $"setting {AlertsOptions.Section}:RulesPath: {p}"));
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
