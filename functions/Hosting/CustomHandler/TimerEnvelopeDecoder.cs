using System.Globalization;
using System.Text.Json;

namespace NginxPulse.Functions.Hosting.CustomHandler;

/// <summary>
/// Data.&lt;binding&gt; of a timerTrigger invocation (contract 3.3): a TimerInfo object with IsPastDue and, when the
/// host monitors the schedule, ScheduleStatus {Last, Next}.
/// </summary>
public static class TimerEnvelopeDecoder
{
    public static TimerTick Decode(JsonElement body, string bindingName, DateTimeOffset now)
    {
        var info = InvocationEnvelope.Input(body, bindingName);
        if (info.ValueKind != JsonValueKind.Object)
            throw new MalformedEnvelopeException($"Data.{bindingName} is {info.ValueKind}, expected a TimerInfo object");
        var pastDue = InvocationEnvelope.TryGetProperty(info, "IsPastDue", out var flag) &&
            (flag.ValueKind == JsonValueKind.True || (flag.ValueKind == JsonValueKind.String && bool.TryParse(flag.GetString(), out var parsed) && parsed));
        DateTimeOffset? last = null, next = null;
        if (InvocationEnvelope.TryGetProperty(info, "ScheduleStatus", out var status) && status.ValueKind == JsonValueKind.Object)
        {
            last = Time(status, "Last");
            next = Time(status, "Next");
        }
        return new TimerTick(now, pastDue, last, next);
    }

    private static DateTimeOffset? Time(JsonElement status, string name) =>
        InvocationEnvelope.OptionalString(status, name) is { } text &&
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value)
            ? value.ToUniversalTime()
            : null;
}
