using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NginxPulse.Functions.Alerts.Notifications;

namespace NginxPulse.Functions.Alerts.Channels;

/// <summary>
/// The default channel: one .eml file per notification in a directory, plus a log line, so a demo or a laptop
/// sees every alert without mail credentials. Named by outbox id, so a retried delivery rewrites the same file.
/// </summary>
public sealed class LocalMailChannel : IAlertChannel
{
    private readonly AlertsOptions _options;
    private readonly ILogger<LocalMailChannel> _logger;

    public LocalMailChannel(IOptions<AlertsOptions> options, ILogger<LocalMailChannel> logger)
    {
        _options = options.Value;
        _logger = logger;
    }

    public string Name => "local";

    public async Task SendAsync(OutboxMessage message, CancellationToken ct)
    {
        var n = message.Notification;
        Directory.CreateDirectory(_options.Local.Directory);
        var name = string.Create(CultureInfo.InvariantCulture, $"{n.CreatedUtc:yyyyMMdd-HHmmss}-{message.Id:D6}-{Safe(n.Rule)}-{n.Kind}.eml");
        var path = Path.Combine(_options.Local.Directory, name);
        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, EmlWriter.Write(message, _options.MailFrom, _options.Recipients()), new UTF8Encoding(false), ct);
        File.Move(temporary, path, overwrite: true);
        _logger.LogWarning("ALERT {Kind} {Rule} {Scope} {Severity}: value {Value} vs {Threshold} over {Window}; mail written to {Path}",
            n.Kind, n.Rule, n.Scope, n.Severity, n.ValueText, n.Threshold, n.Window, path);
    }

    private static string Safe(string value) => new(value.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray());
}
