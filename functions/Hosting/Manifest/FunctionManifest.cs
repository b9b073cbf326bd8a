namespace NginxPulse.Functions.Hosting.Manifest;

/// <summary>Every function the app root declares; the single source of truth for triggers.</summary>
public sealed class FunctionManifest(string appRoot, IReadOnlyList<FunctionDefinition> functions)
{
    public string AppRoot { get; } = appRoot;

    public IReadOnlyList<FunctionDefinition> Functions { get; } = functions;

    public IEnumerable<(FunctionDefinition Function, KafkaTriggerBinding Trigger)> KafkaFunctions =>
        Functions.Where(f => f.Trigger is KafkaTriggerBinding).Select(f => (f, (KafkaTriggerBinding)f.Trigger));

    public FunctionDefinition? Find(string name) =>
        Functions.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));
}
