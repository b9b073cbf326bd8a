using System.Globalization;
using System.Text;
using NginxPulse.Functions.Alerts.Evaluation;

namespace NginxPulse.Functions.Alerts.Notifications;

/// <summary>Everything a channel needs to tell someone about an incident; stored as JSON in the outbox row.</summary>
public sealed record AlertNotification(
    string Kind,
    string Rule,
    string Description,
    string Scope,
    string Severity,
    string Metric,
    double? Value,
    string Unit,
    string Threshold,
    string Window,
    DateTime WindowStartUtc,
    DateTime WindowEndUtc,
    IReadOnlyList<TopEntry> TopPaths,
    IReadOnlyList<TopEntry> TopClients,
    string ReportUrl,
    DateTime CreatedUtc)
{
    public string Subject => $"[{Kind.ToUpperInvariant()}] {Severity}: {Rule} on {Scope} ({ValueText} vs {Threshold})";

    public string ValueText => Value is { } v ? v.ToString("0.####", CultureInfo.InvariantCulture) + (Unit is "" or "ratio" ? "" : " " + Unit) : "no data";

    /// <summary>The plain-text mail body.</summary>
    public string Body()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Alert {Kind}: {Rule}");
        if (Description.Length > 0) text.AppendLine(Description);
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Scope:     {Scope}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Severity:  {Severity}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Metric:    {Metric}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Value:     {ValueText}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Threshold: {Threshold}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Window:    {Window} ({WindowStartUtc:yyyy-MM-dd HH:mm} to {WindowEndUtc:yyyy-MM-dd HH:mm} UTC)");
        AppendTop(text, "Top paths", TopPaths);
        AppendTop(text, "Top clients", TopClients);
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Report: {ReportUrl}");
        return text.ToString();
    }

    private static void AppendTop(StringBuilder text, string title, IReadOnlyList<TopEntry> entries)
    {
        if (entries.Count == 0) return;
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"{title}:");
        foreach (var entry in entries) text.AppendLine(CultureInfo.InvariantCulture, $"  {entry.Count,8}  {entry.Value}");
    }
}

/// <summary>A notification to one channel, not yet stored.</summary>
public sealed record OutboxEntry(string Rule, string Scope, string Kind, string Channel, AlertNotification Notification);

/// <summary>A stored outbox row due for delivery.</summary>
public sealed record OutboxMessage(long Id, string Channel, int Attempts, AlertNotification Notification);
