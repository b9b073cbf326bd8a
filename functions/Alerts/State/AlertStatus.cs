namespace NginxPulse.Functions.Alerts.State;

public enum AlertStatus { Ok, Pending, Firing, Resolved }

public enum NotificationKind { Firing, Repeat, Resolved }

public static class AlertStatusText
{
    public static string Of(AlertStatus status) => status switch
    {
        AlertStatus.Ok => "ok",
        AlertStatus.Pending => "pending",
        AlertStatus.Firing => "firing",
        _ => "resolved",
    };

    public static AlertStatus Parse(string text) => text switch
    {
        "ok" => AlertStatus.Ok,
        "pending" => AlertStatus.Pending,
        "firing" => AlertStatus.Firing,
        "resolved" => AlertStatus.Resolved,
        _ => throw new FormatException($"'{text}' is not an alert state"),
    };

    public static string Of(NotificationKind kind) => kind switch
    {
        NotificationKind.Firing => "firing",
        NotificationKind.Repeat => "repeat",
        _ => "resolved",
    };
}
