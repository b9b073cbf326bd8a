namespace NginxPulse.Functions.Hosting;

/// <summary>Binds a function name (its function.json folder) to the DI-registered implementation type.</summary>
public sealed record KafkaFunctionRegistration(string Name, Type ImplementationType);
