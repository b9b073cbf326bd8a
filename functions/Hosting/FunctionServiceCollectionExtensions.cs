using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace NginxPulse.Functions.Hosting;

/// <summary>
/// Registers the implementation of the function whose function.json lives in the folder <c>name</c>. A function
/// is resolved from a new DI scope per invocation, so it may depend on scoped services. It is added as scoped
/// unless the caller registered the type before (that lifetime is kept, e.g. a singleton test double).
/// </summary>
public static class FunctionServiceCollectionExtensions
{
    public static IServiceCollection AddKafkaFunction<TFunction>(this IServiceCollection services, string name)
        where TFunction : class, IKafkaFunction => services.AddFunction<TFunction>(name, typeof(IKafkaFunction));

    public static IServiceCollection AddTimerFunction<TFunction>(this IServiceCollection services, string name)
        where TFunction : class, ITimerFunction => services.AddFunction<TFunction>(name, typeof(ITimerFunction));

    public static IServiceCollection AddHttpFunction<TFunction>(this IServiceCollection services, string name)
        where TFunction : class, IHttpFunction => services.AddFunction<TFunction>(name, typeof(IHttpFunction));

    private static IServiceCollection AddFunction<TFunction>(this IServiceCollection services, string name, Type contract)
        where TFunction : class
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        services.TryAddScoped<TFunction>();
        services.AddSingleton(new FunctionRegistration(name, typeof(TFunction), contract));
        return services;
    }
}
