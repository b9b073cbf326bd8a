using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace NginxPulse.Functions.Hosting;

public static class KafkaFunctionServiceCollectionExtensions
{
    /// <summary>
    /// Registers <typeparamref name="TFunction"/> as the implementation of the kafkaTrigger function whose
    /// function.json lives in the folder <paramref name="name"/>. The function is resolved from a new DI
    /// scope per batch, so it may depend on scoped services. It is added as scoped unless the caller
    /// registered <typeparamref name="TFunction"/> before (that lifetime is kept, e.g. a singleton test double).
    /// </summary>
    public static IServiceCollection AddKafkaFunction<TFunction>(this IServiceCollection services, string name)
        where TFunction : class, IKafkaFunction
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        services.TryAddScoped<TFunction>();
        services.AddSingleton(new KafkaFunctionRegistration(name, typeof(TFunction)));
        return services;
    }
}
