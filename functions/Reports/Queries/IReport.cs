using NginxPulse.Functions.Reports.Parameters;

namespace NginxPulse.Functions.Reports.Queries;

/// <summary>One named report (<c>/api/reports/{name}</c>) over the stored traffic.</summary>
public interface IReport
{
    string Name { get; }

    Task<ReportTable> RunAsync(ReportParameters parameters, CancellationToken ct);
}
