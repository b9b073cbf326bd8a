using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using NginxPulse.Functions.Hosting;

namespace NginxPulse.Functions.MaintainStorage;

public static class MaintenanceServiceCollectionExtensions
{
    /// <summary>The MaintainStorage timer and its "Maintenance" settings (validated at start-up).</summary>
    public static IServiceCollection AddMaintainStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MaintenanceOptions>().Bind(configuration.GetSection(MaintenanceOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MaintenanceOptions>, MaintenanceOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RollupCompactor>();
        services.TryAddSingleton<RetentionPurger>();
        services.AddTimerFunction<MaintainStorageFunction>("MaintainStorage");
        return services;
    }
}
