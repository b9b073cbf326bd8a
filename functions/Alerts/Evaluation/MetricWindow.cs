namespace NginxPulse.Functions.Alerts.Evaluation;

/// <summary>A half-open UTC range of whole minutes [Start, End).</summary>
public sealed record MetricWindow(DateTime Start, DateTime End)
{
    public static MetricWindow EndingAt(DateTime end, TimeSpan length) => new(end - length, end);

    public MetricWindow ShiftBack(TimeSpan offset) => new(Start - offset, End - offset);
}

/// <summary>A metric value for one scope, with how many requests it was computed from.</summary>
/// <param name="Value">Null when there is nothing to compute it from (no samples).</param>
public sealed record MetricSample(double? Value, long Samples);
