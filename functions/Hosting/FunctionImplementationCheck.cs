using Microsoft.Extensions.DependencyInjection;
using NginxPulse.Functions.Hosting.Manifest;

namespace NginxPulse.Functions.Hosting;

/// <summary>Start-up check that function.json files and registered implementations match one to one.</summary>
public static class FunctionImplementationCheck
{
    /// <summary>Before the container is built: every declared function has an implementation and vice versa.</summary>
    public static void Verify(FunctionManifest manifest, FunctionRegistry registry)
    {
        var problems = new List<string>();
        foreach (var function in manifest.Functions)
        {
            if (!registry.TryGet(function.Name, out var registration))
                problems.Add($"function '{function.Name}' ({function.Source}, {function.Trigger.Type}) has no implementation registered; call services.{RegistrationMethod(function.Trigger)}<TFunction>(\"{function.Name}\")");
            else if (registration.TriggerType != function.Trigger.Type)
                problems.Add($"function '{function.Name}' ({function.Source}) is a {function.Trigger.Type} but {registration.ImplementationType.Name} is registered as a {registration.TriggerType}; call services.{RegistrationMethod(function.Trigger)}<TFunction>(\"{function.Name}\")");
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
    public static void VerifyInstances(IServiceProvider services, FunctionRegistry registry)
    {
        var problems = new List<string>();
        using var scope = services.CreateScope();
        foreach (var registration in registry.All)
        {
            try
            {
                var instance = scope.ServiceProvider.GetRequiredService(registration.ImplementationType);
                var name = instance switch
                {
                    IKafkaFunction kafka => kafka.Name,
                    ITimerFunction timer => timer.Name,
                    IHttpFunction http => http.Name,
                    _ => throw new InvalidOperationException($"{registration.ImplementationType.Name} implements no function contract"),
                };
                if (!string.Equals(name, registration.Name, StringComparison.OrdinalIgnoreCase))
                    problems.Add($"{registration.ImplementationType.Name} is registered for function '{registration.Name}' but its Name is '{name}'");
            }
            catch (InvalidOperationException ex)
            {
                problems.Add($"function '{registration.Name}' cannot be constructed: {ex.Message}");
            }
        }
        if (problems.Count > 0) throw new FunctionAppConfigurationException(problems);
    }

    private static string RegistrationMethod(TriggerBinding trigger) => trigger switch
    {
        KafkaTriggerBinding => nameof(FunctionServiceCollectionExtensions.AddKafkaFunction),
        TimerTriggerBinding => nameof(FunctionServiceCollectionExtensions.AddTimerFunction),
        _ => nameof(FunctionServiceCollectionExtensions.AddHttpFunction),
    };
}
