using Microsoft.Extensions.DependencyInjection;
using NginxPulse.Functions.Hosting.Manifest;

namespace NginxPulse.Functions.Hosting;

/// <summary>Start-up check that function.json files and registered implementations match one to one.</summary>
public static class FunctionImplementationCheck
{
    /// <summary>Before the container is built: every declared function has an implementation and vice versa.</summary>
    public static void Verify(FunctionManifest manifest, KafkaFunctionRegistry registry)
    {
        var problems = new List<string>();
        foreach (var function in manifest.Functions)
        {
            if (function.Trigger is not KafkaTriggerBinding)
                problems.Add($"function '{function.Name}' ({function.Source}, {function.Trigger.Type}) has no implementation: this build runs kafkaTrigger functions only");
            else if (!registry.TryGet(function.Name, out _))
                problems.Add($"function '{function.Name}' ({function.Source}, kafkaTrigger) has no implementation registered; call services.AddKafkaFunction<TFunction>(\"{function.Name}\")");
        }
        foreach (var registration in registry.All)
        {
            if (manifest.Find(registration.Name) is null)
                problems.Add($"function '{registration.Name}' is registered ({registration.ImplementationType.Name}) but {registration.Name}/function.json is not in the app root {manifest.AppRoot}");
        }
        if (problems.Count > 0) throw new FunctionAppConfigurationException(problems);
    }

    /// <summary>
    /// After the container is built: each implementation can be constructed (a missing dependency fails now,
    /// not on the first batch) and names the function it is registered for. Constructors must stay cheap.
    /// </summary>
    public static void VerifyInstances(IServiceProvider services, KafkaFunctionRegistry registry)
    {
        var problems = new List<string>();
        using var scope = services.CreateScope();
        foreach (var registration in registry.All)
        {
            try
            {
                var instance = (IKafkaFunction)scope.ServiceProvider.GetRequiredService(registration.ImplementationType);
                if (!string.Equals(instance.Name, registration.Name, StringComparison.OrdinalIgnoreCase))
                    problems.Add($"{registration.ImplementationType.Name} is registered for function '{registration.Name}' but its Name is '{instance.Name}'");
            }
            catch (InvalidOperationException ex)
            {
                problems.Add($"function '{registration.Name}' cannot be constructed: {ex.Message}");
            }
        }
        if (problems.Count > 0) throw new FunctionAppConfigurationException(problems);
    }
}
