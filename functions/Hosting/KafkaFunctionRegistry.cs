namespace NginxPulse.Functions.Hosting;

/// <summary>Function name to implementation, case-insensitive like the Functions host's function names.</summary>
public sealed class KafkaFunctionRegistry
{
    private readonly Dictionary<string, KafkaFunctionRegistration> byName;

    public KafkaFunctionRegistry(IEnumerable<KafkaFunctionRegistration> registrations)
    {
        byName = new Dictionary<string, KafkaFunctionRegistration>(StringComparer.OrdinalIgnoreCase);
        foreach (var registration in registrations)
        {
            if (!byName.TryAdd(registration.Name, registration))
                throw new FunctionAppConfigurationException(
                    $"function '{registration.Name}' is registered twice ({byName[registration.Name].ImplementationType.Name} and {registration.ImplementationType.Name})");
        }
    }

    public IReadOnlyCollection<KafkaFunctionRegistration> All => byName.Values;

    public bool TryGet(string name, out KafkaFunctionRegistration registration) =>
        byName.TryGetValue(name, out registration!);
}
