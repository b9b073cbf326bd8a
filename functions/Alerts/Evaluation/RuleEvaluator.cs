using NginxPulse.Functions.Alerts.Rules;

namespace NginxPulse.Functions.Alerts.Evaluation;

/// <summary>The value a rule saw for one scope and whether it breaches the rule's condition.</summary>
/// <param name="Value">The compared value (for relative conditions the ratio to the baseline); null: not enough data.</param>
public sealed record Observation(string Scope, double? Value, bool Breaching);

/// <summary>
/// Pure decisions from metric values: applies the minimum sample size, the relative baseline and the condition.
/// Not enough data never breaches, so an incident resolves when its traffic goes away.
/// </summary>
public static class RuleEvaluator
{
    /// <param name="current">Values in the rule's window, keyed by scope.</param>
    /// <param name="baseline">Values in the same window a day/week earlier; null for absolute conditions.</param>
    /// <param name="scopes">Every scope to decide: groups seen recently and scopes with an open incident.</param>
    public static IReadOnlyList<Observation> Evaluate(AlertRule rule, IReadOnlyDictionary<string, MetricSample> current,
        IReadOnlyDictionary<string, MetricSample>? baseline, IEnumerable<string> scopes)
    {
        var observations = new List<Observation>();
        foreach (var scope in scopes.Distinct(StringComparer.Ordinal))
        {
            var value = Value(rule, Sample(rule, current, scope));
            if (rule.Condition.RelativeTo != ConditionBaseline.None)
            {
                var reference = baseline is null ? null : Value(rule, Sample(rule, baseline, scope));
                value = value is { } v && reference is { } r && r > 0 ? v / r : null;
            }
            observations.Add(new Observation(scope, value, value is { } x && rule.Condition.IsBreachedBy(x)));
        }
        return observations;
    }

    /// <summary>
    /// host_silence: grouped by host (or for one host), how many seconds the host's newest stored minute is behind
    /// the newest host's; for the whole scope, how far the newest stored minute is behind the wall clock. Hosts
    /// not seen within the rule's window are forgotten.
    /// </summary>
    public static IReadOnlyList<Observation> EvaluateSilence(AlertRule rule, IngestWatermark watermark, IEnumerable<string> openScopes)
    {
        var since = watermark.WallClockMinute - rule.Window;
        if (rule.GroupBy == AlertGrouping.None && rule.Scope.Host is null)
        {
            var newest = watermark.Newest;
            double? behind = newest is { } n && n >= since ? Math.Max(0, (watermark.WallClockMinute - n.AddMinutes(1)).TotalSeconds) : null;
            return [new Observation(rule.Scope.Key, behind, behind is { } b && rule.Condition.IsBreachedBy(b))];
        }

        var top = watermark.Newest;
        var values = watermark.LatestMinuteByHost
            .Where(h => h.Value >= since && (rule.Scope.Host is null || rule.Scope.Host == h.Key))
            .ToDictionary(h => new AlertScope(null, h.Key).Key, h => (top!.Value - h.Value).TotalSeconds, StringComparer.Ordinal);
        return values.Keys.Concat(openScopes).Distinct(StringComparer.Ordinal)
            .Select(scope => values.TryGetValue(scope, out var v)
                ? new Observation(scope, v, rule.Condition.IsBreachedBy(v))
                : new Observation(scope, null, false))
            .ToList();
    }

    private static MetricSample Sample(AlertRule rule, IReadOnlyDictionary<string, MetricSample> values, string scope) =>
        values.TryGetValue(scope, out var sample) ? sample
        : AlertMetrics.IsCount(rule.Metric) ? new MetricSample(0, 0)
        : new MetricSample(null, 0);

    private static double? Value(AlertRule rule, MetricSample sample) =>
        !AlertMetrics.IsCount(rule.Metric) && sample.Samples < Math.Max(1, rule.MinSamples) ? null : sample.Value;
}
