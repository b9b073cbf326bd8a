namespace NginxPulse.Functions.Hosting;

/// <summary>Binds a function name (its function.json folder) to the DI-registered implementation type.</summary>
/// <param name="Contract">The interface the implementation answers to: <see cref="IKafkaFunction"/>,
/// <see cref="ITimerFunction"/> or <see cref="IHttpFunction"/>; it must match the trigger of function.json.</param>
public sealed record FunctionRegistration(string Name, Type ImplementationType, Type Contract)
{
    /// <summary>The function.json trigger type this contract serves.</summary>
    public string TriggerType => TriggerTypeOf(Contract);

    public static string TriggerTypeOf(Type contract) =>
        contract == typeof(IKafkaFunction) ? "kafkaTrigger"
        : contract == typeof(ITimerFunction) ? "timerTrigger"
        : contract == typeof(IHttpFunction) ? "httpTrigger"
        : throw new ArgumentException($"{contract.Name} is not a function contract", nameof(contract));
}
