namespace NginxPulse.Functions.Hosting;

/// <summary>
/// The app cannot start as configured (missing setting, function.json without implementation, bad host.json
/// value...). Program prints the message and exits non-zero so the operator sees the setting named.
/// </summary>
public sealed class FunctionAppConfigurationException : Exception
{
    public FunctionAppConfigurationException(string message) : base(message) { }

    public FunctionAppConfigurationException(IReadOnlyCollection<string> problems)
        : base(problems.Count == 1
            ? problems.First()
            : $"{problems.Count} configuration problems:{Environment.NewLine}  - " + string.Join(Environment.NewLine + "  - ", problems))
    {
    }
}
