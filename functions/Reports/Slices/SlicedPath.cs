using NginxPulse.Functions.Reports.Parameters;

namespace NginxPulse.Functions.Reports.Slices;

/// <summary>The <c>path</c> prefix filter over the paths slices' values (the parameter <see cref="Queries.ReportFilter"/> adds for raw rows).</summary>
public static class SlicedPath
{
    public static string ValueCondition(ReportParameters parameters) =>
        parameters.PathPrefix is null ? "" : " AND value LIKE @path ESCAPE '!'";
}
