using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using NginxPulse.Functions.Hosting;
using NginxPulse.Functions.Reports.Slices;

namespace NginxPulse.Functions.BuildReportSlices;

public static class ReportSlicesServiceCollectionExtensions
{
    /// <summary>The BuildReportSlices timer, its builder and the "ReportSlices" settings (validated at start-up).</summary>
    public static IServiceCollection AddBuildReportSlices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ReportSlicesOptions>().Bind(configuration.GetSection(ReportSlicesOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ReportSlicesOptions>, ReportSlicesOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ReportSliceBuilder>();
        services.AddTimerFunction<BuildReportSlicesFunction>("BuildReportSlices");
        return services;
    }
}
