namespace NginxPulse.Functions.Hosting;

/// <summary>Function name to implementation, case-insensitive like the Functions host's function names.</summary>
public sealed class FunctionRegistry
{
    private readonly Dictionary<string, FunctionRegistration> byName;

    public FunctionRegistry(IEnumerable<FunctionRegistration> registrations)
    {
        byName = new Dictionary<string, FunctionRegistration>(StringComparer.OrdinalIgnoreCase);
        foreach (var registration in registrations)
        {
            if (!byName.TryAdd(registration.Name, registration))
                throw new FunctionAppConfigurationException(
                    $"function '{registration.Name}' is registered twice ({byName[registration.Name].ImplementationType.Name} and {registration.ImplementationType.Name})");
        }
    }

    public IReadOnlyCollection<FunctionRegistration> All => byName.Values;

    public bool TryGet(string name, out FunctionRegistration registration) =>
        byName.TryGetValue(name, out registration!);
}
