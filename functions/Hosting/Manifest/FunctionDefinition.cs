namespace NginxPulse.Functions.Hosting.Manifest;

/// <summary>One function as declared by <c>&lt;Name&gt;/function.json</c>.</summary>
public sealed record FunctionDefinition(
    string Name,
    string SourcePath,
    TriggerBinding Trigger,
    HttpOutputBinding? HttpOutput,
    RetryPolicy? Retry)
{
    /// <summary>How messages name where a problem is, e.g. "IngestAccessLogs/function.json".</summary>
    public string Source => $"{Name}/function.json";
}
