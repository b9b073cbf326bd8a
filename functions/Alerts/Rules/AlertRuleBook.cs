using Microsoft.Extensions.Options;

namespace NginxPulse.Functions.Alerts.Rules;

/// <summary>The rules of this deployment, read once from the validated rules file.</summary>
public sealed class AlertRuleBook
{
    public AlertRuleBook(IOptions<AlertsOptions> options)
    {
        var value = options.Value;
        var load = AlertRulesFile.Load(value.RulesPath, value.ConfiguredChannels());
        if (!load.Succeeded) throw new InvalidOperationException(string.Join(Environment.NewLine, load.Problems));
        Rules = load.Rules;
    }

    public IReadOnlyList<AlertRule> Rules { get; }

    public AlertRule? Find(string name) => Rules.FirstOrDefault(r => r.Name == name);
}
