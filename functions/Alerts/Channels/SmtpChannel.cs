using System.Net;
using System.Net.Mail;
using System.Text;
using Microsoft.Extensions.Options;
using NginxPulse.Functions.Alerts.Notifications;

namespace NginxPulse.Functions.Alerts.Channels;

/// <summary>Plain SMTP through System.Net.Mail (STARTTLS when EnableSsl, login when a user name is set).</summary>
public sealed class SmtpChannel : IAlertChannel
{
    private readonly AlertsOptions _options;

    public SmtpChannel(IOptions<AlertsOptions> options) => _options = options.Value;

    public string Name => "smtp";

    public async Task SendAsync(OutboxMessage message, CancellationToken ct)
    {
        var smtp = _options.Smtp;
        using var client = new SmtpClient(smtp.Host, smtp.Port) { EnableSsl = smtp.EnableSsl, DeliveryMethod = SmtpDeliveryMethod.Network };
        if (smtp.UserName.Length > 0) client.Credentials = new NetworkCredential(smtp.UserName, smtp.Password);
        using var mail = new MailMessage
        {
            From = new MailAddress(_options.MailFrom),
            Subject = message.Notification.Subject,
            SubjectEncoding = Encoding.UTF8,
            Body = message.Notification.Body(),
            BodyEncoding = Encoding.UTF8,
        };
        foreach (var recipient in _options.Recipients()) mail.To.Add(recipient);
        mail.Headers.Add("X-NginxPulse-Alert", $"{message.Notification.Kind}; rule={message.Notification.Rule}; scope={message.Notification.Scope}");
        await client.SendMailAsync(mail, ct);
    }
}
