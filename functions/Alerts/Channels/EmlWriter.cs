using System.Globalization;
using System.Text;
using NginxPulse.Functions.Alerts.Notifications;

namespace NginxPulse.Functions.Alerts.Channels;

/// <summary>An RFC 5322 message (plain text, UTF-8) that any mail client opens as an .eml file.</summary>
public static class EmlWriter
{
    public static string Write(OutboxMessage message, string from, IReadOnlyList<string> to)
    {
        var notification = message.Notification;
        var eml = new StringBuilder();
        eml.Append(CultureInfo.InvariantCulture, $"From: {from}\r\n");
        eml.Append(CultureInfo.InvariantCulture, $"To: {string.Join(", ", to)}\r\n");
        eml.Append(CultureInfo.InvariantCulture, $"Subject: {EncodeHeader(notification.Subject)}\r\n");
        eml.Append(CultureInfo.InvariantCulture, $"Date: {notification.CreatedUtc.ToString("ddd, dd MMM yyyy HH:mm:ss", CultureInfo.InvariantCulture)} +0000\r\n");
        eml.Append(CultureInfo.InvariantCulture, $"Message-ID: <alert-{message.Id}@nginxpulse>\r\n");
        eml.Append("MIME-Version: 1.0\r\n");
        eml.Append("Content-Type: text/plain; charset=utf-8\r\n");
        eml.Append("Content-Transfer-Encoding: 8bit\r\n");
        eml.Append(CultureInfo.InvariantCulture, $"X-NginxPulse-Alert: {notification.Kind}; rule={notification.Rule}; scope={notification.Scope}\r\n");
        eml.Append("\r\n");
        eml.Append(notification.Body().ReplaceLineEndings("\r\n"));
        return eml.ToString();
    }

    private static string EncodeHeader(string value) =>
        value.All(c => c is >= ' ' and <= '~') ? value : $"=?utf-8?B?{Convert.ToBase64String(Encoding.UTF8.GetBytes(value))}?=";
}
