using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace NginxPulse.Functions.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers the storage: options from the <c>MySqlConnection</c> setting (validated at start-up), the
    /// connection factory, the store, migrations and partitions (run at start-up by <see cref="StorageInitializer"/>).
    /// </summary>
    public static IServiceCollection AddNginxPulseStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>()
            .Configure(o => o.ConnectionString = configuration[StorageOptions.ConnectionSettingName] ?? "")
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<MySqlConnectionFactory>();
        services.TryAddSingleton<SchemaMigrator>();
        services.TryAddSingleton<PartitionManager>();
        services.TryAddSingleton<RollupVerifier>();
        services.TryAddSingleton<AccessLogStore>();
        services.TryAddSingleton<IAccessLogStore>(sp => sp.GetRequiredService<AccessLogStore>());
        services.TryAddSingleton<Hosting.Timers.ITimerCoordinator, MySqlTimerCoordinator>();
        services.TryAddSingleton<StorageInitializer>();
        services.AddHostedService(sp => sp.GetRequiredService<StorageInitializer>());
        return services;
    }
}
