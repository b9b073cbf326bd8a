namespace NginxPulse.Functions.Reports.Parameters;

/// <summary>A request parameter the caller got wrong: answered with 400 and a message naming it.</summary>
public sealed class ReportParameterException(string parameter, string message) : Exception($"parameter '{parameter}': {message}")
{
    public string Parameter { get; } = parameter;
}
