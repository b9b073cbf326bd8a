namespace NginxPulse.Functions.Parsing;

/// <summary>Settings section "Parsing" (environment: Parsing__DefaultFormats, Parsing__Formats__NAME, ...).</summary>
public sealed class ParsingOptions
{
    public const string Section = "Parsing";

    /// <summary>Named log_format strings (or whole log_format directives) besides combined, main and common.</summary>
    public Dictionary<string, string> Formats { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Comma-separated format names tried in order for sources no rule matches.</summary>
    public string DefaultFormats { get; set; } = "main,combined,common";

    /// <summary>Per-source rules, first match wins; an event's field "log_format" overrides them all.</summary>
    public List<SourceFormatRule> Sources { get; set; } = [];

    /// <summary>Comma-separated CIDR ranges of load balancers whose X-Forwarded-For / X-Real-IP are believed.</summary>
    public string TrustedProxies { get; set; } = string.Join(',', Cleaning.ClientIpResolver.DefaultTrustedProxies);
}

/// <summary>Selects formats for events by tag, file path glob (* and ?) or host; unset criteria match anything.</summary>
public sealed class SourceFormatRule
{
    public string? Tag { get; set; }
    public string? Path { get; set; }
    public string? Host { get; set; }
    public string Formats { get; set; } = "";
}
