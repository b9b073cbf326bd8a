using System.Text.RegularExpressions;

namespace NginxPulse.Functions.Hosting.Configuration;

/// <summary>
/// Resolves binding property values the way the Functions host does: every %Name% token is replaced by
/// the app setting; for Kafka connection strings, a result that is itself the name of a setting is then
/// replaced by that setting (contract 4.1, so "brokerList": "BrokerList" works like "%BrokerList%").
/// </summary>
public sealed partial class SettingExpander(AppSettings settings)
{
    /// <returns>The resolved value, or null when a referenced setting is missing (reported in <paramref name="problems"/>).</returns>
    public string? Expand(string raw, bool settingNameIndirection, string usedBy, ICollection<string> problems)
    {
        var missing = false;
        var expanded = Placeholder().Replace(raw, match =>
        {
            var name = match.Groups[1].Value;
            var value = settings.Find(name);
            if (value is not null) return value;
            problems.Add($"setting '{name}' used by {usedBy} is not set");
            missing = true;
            return match.Value;
        });
        if (missing) return null;
        return settingNameIndirection && settings.Find(expanded) is { } indirect ? indirect : expanded;
    }

    [GeneratedRegex("%([^%]+)%")]
    private static partial Regex Placeholder();
}
