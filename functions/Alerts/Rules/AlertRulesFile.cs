using System.Text.Json;
using System.Text.RegularExpressions;

namespace NginxPulse.Functions.Alerts.Rules;

/// <summary>
/// Reads and validates the rules file. Every problem is collected and named by rule and field, so one start-up
/// failure lists everything to fix.
/// </summary>
public static partial class AlertRulesFile
{
    /// <summary>Raw-row metrics scan access_log over the window, so their window is bounded.</summary>
    public static readonly TimeSpan MaxRawWindow = TimeSpan.FromHours(6);

    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(7);

    private static readonly string[] KnownFields =
        ["name", "description", "metric", "scope", "groupBy", "condition", "window", "for", "minSamples", "severity", "channels", "renotify"];

    public static AlertRuleLoad Load(string path, IReadOnlySet<string> configuredChannels)
    {
        if (!File.Exists(path)) return AlertRuleLoad.Failed($"the rules file '{path}' does not exist");
        string json;
        try { json = File.ReadAllText(path); }
        catch (IOException e) { return AlertRuleLoad.Failed($"the rules file '{path}' cannot be read: {e.Message}"); }
        return Parse(json, path, configuredChannels);
    }

    public static AlertRuleLoad Parse(string json, string source, IReadOnlySet<string> configuredChannels)
    {
        JsonDocument document;
        try { document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }); }
        catch (JsonException e) { return AlertRuleLoad.Failed($"{source}: not valid JSON: {e.Message}"); }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("rules", out var rulesElement)
                || rulesElement.ValueKind != JsonValueKind.Array)
                return AlertRuleLoad.Failed($"{source}: expected an object with a \"rules\" array");

            var problems = new List<string>();
            var rules = new List<AlertRule>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            var index = 0;
            foreach (var element in rulesElement.EnumerateArray())
            {
                index++;
                var reader = new RuleReader(element, source, index, configuredChannels, problems);
                var rule = reader.Read();
                if (reader.Name is { } name && !names.Add(name)) reader.Problem("name", $"'{name}' is used by an earlier rule; names must be unique");
                else if (rule is not null) rules.Add(rule);
            }
            return problems.Count > 0 ? new AlertRuleLoad([], problems) : new AlertRuleLoad(rules, []);
        }
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")]
    private static partial Regex NamePattern();

    private sealed class RuleReader(JsonElement element, string source, int index, IReadOnlySet<string> channels, List<string> problems)
    {
        private string _label = $"rule #{index}";
        private int _problemsBefore;

        /// <summary>The rule's name once read, even when other fields are bad.</summary>
        public string? Name { get; private set; }

        public void Problem(string field, string message) => problems.Add($"{source}: {_label}: field '{field}': {message}");

        public AlertRule? Read()
        {
            _problemsBefore = problems.Count;
            if (element.ValueKind != JsonValueKind.Object)
            {
                problems.Add($"{source}: {_label}: expected an object");
                return null;
            }

            var name = Name = String("name", required: true);
            if (name is not null)
            {
                _label = $"rule '{name}'";
                if (!NamePattern().IsMatch(name)) Problem("name", "use 1-200 letters, digits, '.', '_' or '-', starting with a letter or digit");
            }
            foreach (var property in element.EnumerateObject())
                if (!KnownFields.Contains(property.Name, StringComparer.Ordinal))
                    Problem(property.Name, $"unknown field (known: {string.Join(", ", KnownFields)})");

            var metric = Metric();
            var scope = Scope();
            var groupBy = Grouping();
            var condition = Condition();
            var window = Duration("window", required: true, TimeSpan.Zero);
            var holdFor = Duration("for", required: false, TimeSpan.Zero);
            var renotify = Duration("renotify", required: false, TimeSpan.Zero);
            var minSamples = MinSamples();
            var severity = Severity();
            var ruleChannels = Channels();

            if (window is { } w)
            {
                if (w < TimeSpan.FromMinutes(1) || w.Ticks % TimeSpan.TicksPerMinute != 0) Problem("window", "must be a whole number of minutes, at least 1m");
                else if (w > MaxWindow) Problem("window", $"must be at most {DurationText.Format(MaxWindow)}");
                else if (metric is AlertMetric.UniqueClients or AlertMetric.TopClientShare && w > MaxRawWindow)
                    Problem("window", $"{AlertMetrics.NameOf(metric.Value)} reads raw rows: at most {DurationText.Format(MaxRawWindow)}");
            }
            if (metric == AlertMetric.HostSilence)
            {
                if (scope?.Vhost is not null) Problem("scope", "host_silence is about shipper hosts: use 'all' or 'host:NAME'");
                if (groupBy == AlertGrouping.Vhost) Problem("groupBy", "host_silence can only be grouped by host");
                if (condition is { RelativeTo: not ConditionBaseline.None }) Problem("condition", "host_silence cannot be relative to an earlier window");
            }
            if (groupBy == AlertGrouping.Vhost && scope?.Vhost is not null) Problem("groupBy", "a rule scoped to one vhost cannot be grouped by vhost");
            if (groupBy == AlertGrouping.Host && scope?.Host is not null) Problem("groupBy", "a rule scoped to one host cannot be grouped by host");

            if (problems.Count > _problemsBefore) return null;
            return new AlertRule(name!, String("description", required: false) ?? "", metric!.Value, scope!, groupBy!.Value, condition!,
                window!.Value, holdFor!.Value, minSamples!.Value, severity!.Value, ruleChannels!, renotify!.Value);
        }

        private string? String(string field, bool required)
        {
            if (!element.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                if (required) Problem(field, "is required");
                return null;
            }
            if (value.ValueKind != JsonValueKind.String)
            {
                Problem(field, "must be a string");
                return null;
            }
            return value.GetString();
        }

        private AlertMetric? Metric()
        {
            var text = String("metric", required: true);
            if (text is null) return null;
            if (AlertMetrics.TryParse(text, out var metric)) return metric;
            Problem("metric", $"'{text}' is not a metric (known: {string.Join(", ", AlertMetrics.Names)})");
            return null;
        }

        private AlertScope? Scope()
        {
            var text = String("scope", required: false) ?? "all";
            if (AlertScope.TryParse(text, out var scope)) return scope;
            Problem("scope", $"'{text}' is not a scope: use 'all', 'vhost:NAME' or 'host:NAME'");
            return null;
        }

        private AlertGrouping? Grouping() => Choice("groupBy", "none", "a grouping",
            new Dictionary<string, AlertGrouping> { ["none"] = AlertGrouping.None, ["vhost"] = AlertGrouping.Vhost, ["host"] = AlertGrouping.Host });

        private AlertSeverity? Severity() => Choice("severity", "warning", "a severity",
            new Dictionary<string, AlertSeverity> { ["critical"] = AlertSeverity.Critical, ["warning"] = AlertSeverity.Warning, ["info"] = AlertSeverity.Info });

        private T? Choice<T>(string field, string fallback, string what, Dictionary<string, T> choices) where T : struct
        {
            var text = String(field, required: false) ?? fallback;
            if (choices.TryGetValue(text, out var value)) return value;
            Problem(field, $"'{text}' is not {what}: use {string.Join(", ", choices.Keys.Select(k => $"'{k}'"))}");
            return null;
        }

        private TimeSpan? Duration(string field, bool required, TimeSpan fallback)
        {
            var text = String(field, required);
            if (text is null) return required ? null : fallback;
            if (DurationText.TryParse(text, out var duration)) return duration;
            Problem(field, $"'{text}' is not a duration: use e.g. '90s', '5m', '1h', '1d'");
            return null;
        }

        private long? MinSamples()
        {
            if (!element.TryGetProperty("minSamples", out var value)) return 0;
            if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) && n >= 0) return n;
            Problem("minSamples", "must be a whole number >= 0");
            return null;
        }

        private IReadOnlyList<string>? Channels()
        {
            if (!element.TryGetProperty("channels", out var value)) return ["local"];
            if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0 || value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
            {
                Problem("channels", "must be a non-empty array of channel names");
                return null;
            }
            var list = value.EnumerateArray().Select(v => v.GetString()!).Distinct(StringComparer.Ordinal).ToList();
            foreach (var channel in list.Where(c => !channels.Contains(c)))
                Problem("channels", $"'{channel}' is not a configured channel (configured: {string.Join(", ", channels.Order(StringComparer.Ordinal))})");
            return list;
        }

        private AlertCondition? Condition()
        {
            if (!element.TryGetProperty("condition", out var value) || value.ValueKind != JsonValueKind.Object)
            {
                Problem("condition", "is required: an object with one of \"above\": N, \"below\": N, \"outside\": [LOW, HIGH], and optionally \"relativeTo\": \"day\"|\"week\"");
                return null;
            }

            var baseline = ConditionBaseline.None;
            if (value.TryGetProperty("relativeTo", out var relative))
            {
                switch (relative.ValueKind == JsonValueKind.String ? relative.GetString() : null)
                {
                    case "day": baseline = ConditionBaseline.Day; break;
                    case "week": baseline = ConditionBaseline.Week; break;
                    default:
                        Problem("condition.relativeTo", "must be \"day\" or \"week\"");
                        return null;
                }
            }

            var operators = value.EnumerateObject().Where(p => p.Name is "above" or "below" or "outside").ToList();
            foreach (var unknown in value.EnumerateObject().Where(p => p.Name is not ("above" or "below" or "outside" or "relativeTo")))
                Problem("condition." + unknown.Name, "unknown field (known: above, below, outside, relativeTo)");
            if (operators.Count != 1)
            {
                Problem("condition", "needs exactly one of \"above\", \"below\", \"outside\"");
                return null;
            }

            var op = operators[0];
            if (op.Name == "outside")
            {
                if (op.Value.ValueKind != JsonValueKind.Array || op.Value.GetArrayLength() != 2
                    || op.Value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.Number)
                    || op.Value[0].GetDouble() > op.Value[1].GetDouble())
                {
                    Problem("condition.outside", "must be [LOW, HIGH] with LOW <= HIGH");
                    return null;
                }
                return AlertCondition.Outside(op.Value[0].GetDouble(), op.Value[1].GetDouble(), baseline);
            }
            if (op.Value.ValueKind != JsonValueKind.Number || !double.IsFinite(op.Value.GetDouble()))
            {
                Problem("condition." + op.Name, "must be a number");
                return null;
            }
            var threshold = op.Value.GetDouble();
            return op.Name == "above" ? AlertCondition.Above(threshold, baseline) : AlertCondition.Below(threshold, baseline);
        }
    }
}

/// <summary>The rules read from a file, or every problem found in it.</summary>
public sealed record AlertRuleLoad(IReadOnlyList<AlertRule> Rules, IReadOnlyList<string> Problems)
{
    public bool Succeeded => Problems.Count == 0;

    public static AlertRuleLoad Failed(string problem) => new([], [problem]);
}
