using Microsoft.Extensions.Options;
using NginxPulse.Functions.Hosting;
using NginxPulse.Functions.Reports.Parameters;
using NginxPulse.Functions.Reports.Queries;
using NginxPulse.Functions.Reports.Held;

namespace NginxPulse.Functions.Reports;

public static class ReportsServiceCollectionExtensions
{
    /// <summary>The Reports function, its reports and the "Reports" bounds (validated at start-up).</summary>
    public static IServiceCollection AddReports(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ReportsOptions>().Bind(configuration.GetSection(ReportsOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ReportsOptions>, ReportsOptionsValidator>();
        services.AddSingleton<ReportParameterParser>();
        services.AddSingleton<ReportDatabase>();
        services.AddSingleton(sp => new SliceRowCache(sp.GetRequiredService<ReportDatabase>(),
            Megabytes(sp.GetRequiredService<IOptions<ReportsOptions>>().Value.SliceCacheMegabytes), sp.GetRequiredService<ILogger<SliceRowCache>>()));
        services.AddSingleton(sp => new DayClientsCache(sp.GetRequiredService<ReportDatabase>(),
            Megabytes(sp.GetRequiredService<IOptions<ReportsOptions>>().Value.DayClientsCacheMegabytes), sp.GetRequiredService<ILogger<DayClientsCache>>()));
        services.AddSingleton<VisitorCount>();
        services.AddSingleton<AskedScopes>();
        services.AddSingleton<HeldAhead>();
        services.AddHostedService(sp => sp.GetRequiredService<HeldAhead>());
        services.AddSingleton<IReport, SummaryReport>();
        services.AddSingleton<IReport, TimeSeriesReport>();
        services.AddSingleton<IReport>(sp => TopListReport.Paths(sp.GetRequiredService<ReportDatabase>(), sp.GetRequiredService<SliceRowCache>()));
        services.AddSingleton<IReport>(sp => TopListReport.Clients(sp.GetRequiredService<ReportDatabase>(), sp.GetRequiredService<SliceRowCache>()));
        services.AddSingleton<IReport>(sp => TopListReport.Referrers(sp.GetRequiredService<ReportDatabase>(), sp.GetRequiredService<SliceRowCache>()));
        services.AddSingleton<IReport>(sp => TopListReport.UserAgents(sp.GetRequiredService<ReportDatabase>(), sp.GetRequiredService<SliceRowCache>()));
        services.AddSingleton<IReport, StatusesReport>();
        services.AddSingleton<IReport, SlowestReport>();
        services.AddSingleton<IReport, ErrorsReport>();
        services.AddSingleton<IReport, Bandwidth95Report>();
        services.AddSingleton<IReport, LinesReport>();
        services.AddHttpFunction<ReportsFunction>(ReportsFunction.FunctionName);
        return services;
    }

    private static long Megabytes(int megabytes) => megabytes * 1024L * 1024L;
}
