namespace NginxPulse.Functions.Alerts.Rules;

/// <summary>What a rule (or one group of it) looks at: everything, one vhost, or one host.</summary>
public sealed record AlertScope(string? Vhost, string? Host)
{
    public static readonly AlertScope All = new(null, null);

    /// <summary>The key used in state, history, silences and the HTTP API: <c>all</c>, <c>vhost:x</c>, <c>host:y</c>.</summary>
    public string Key => Vhost is not null ? "vhost:" + Vhost : Host is not null ? "host:" + Host : "all";

    public static bool TryParse(string text, out AlertScope scope)
    {
        scope = All;
        if (text == "all") return true;
        if (text.StartsWith("vhost:", StringComparison.Ordinal) && text.Length > 6)
        {
            scope = new AlertScope(text[6..], null);
            return true;
        }
        if (text.StartsWith("host:", StringComparison.Ordinal) && text.Length > 5)
        {
            scope = new AlertScope(null, text[5..]);
            return true;
        }
        return false;
    }
}
