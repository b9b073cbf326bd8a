using NginxPulse.Functions.Hosting;

namespace NginxPulse.Functions.Dashboard;

public static class DashboardServiceCollectionExtensions
{
    /// <summary>The Dashboard function and its embedded page.</summary>
    public static IServiceCollection AddDashboard(this IServiceCollection services)
    {
        services.AddSingleton<DashboardAssets>();
        services.AddHttpFunction<DashboardFunction>(DashboardFunction.FunctionName);
        return services;
    }
}
