using System.Globalization;

namespace NginxPulse.Functions.Alerts.Rules;

public enum ConditionOperator { Above, Below, Outside }

/// <summary>Compare against the value itself, or against its ratio to the same window one day or one week earlier.</summary>
public enum ConditionBaseline { None, Day, Week }

/// <summary>When a metric value breaches: above a threshold, below it, or outside the band [Low, High].</summary>
public sealed record AlertCondition(ConditionOperator Operator, double Low, double High, ConditionBaseline RelativeTo)
{
    public static AlertCondition Above(double threshold, ConditionBaseline relativeTo = ConditionBaseline.None) => new(ConditionOperator.Above, threshold, threshold, relativeTo);

    public static AlertCondition Below(double threshold, ConditionBaseline relativeTo = ConditionBaseline.None) => new(ConditionOperator.Below, threshold, threshold, relativeTo);

    public static AlertCondition Outside(double low, double high, ConditionBaseline relativeTo = ConditionBaseline.None) => new(ConditionOperator.Outside, low, high, relativeTo);

    /// <summary>How far back the baseline window lies; zero when the condition is absolute.</summary>
    public TimeSpan BaselineOffset => RelativeTo switch
    {
        ConditionBaseline.Day => TimeSpan.FromDays(1),
        ConditionBaseline.Week => TimeSpan.FromDays(7),
        _ => TimeSpan.Zero,
    };

    public bool IsBreachedBy(double value) => Operator switch
    {
        ConditionOperator.Above => value > High,
        ConditionOperator.Below => value < Low,
        _ => value < Low || value > High,
    };

    /// <summary>The threshold as people read it, e.g. <c>&gt; 100</c>, <c>outside [1, 5]</c>, <c>&gt; 3x 1 day earlier</c>.</summary>
    public string Describe()
    {
        var text = Operator switch
        {
            ConditionOperator.Above => "> " + Number(High),
            ConditionOperator.Below => "< " + Number(Low),
            _ => $"outside [{Number(Low)}, {Number(High)}]",
        };
        return RelativeTo switch
        {
            ConditionBaseline.Day => text + "x the same window 1 day earlier",
            ConditionBaseline.Week => text + "x the same window 1 week earlier",
            _ => text,
        };
    }

    private static string Number(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
