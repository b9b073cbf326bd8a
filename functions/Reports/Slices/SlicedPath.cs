using NginxPulse.Functions.Reports.Parameters;

namespace NginxPulse.Functions.Reports.Slices;

/// <summary>The <c>path</c> prefix filter over the paths slices' values (the parameter <see cref="Queries.ReportFilter"/> adds for raw rows), in SQL and in memory.</summary>
public static class SlicedPath
{
    public static string ValueCondition(ReportParameters parameters) =>
        parameters.PathPrefix is null ? "" : " AND value LIKE @path ESCAPE '!'";

    /// <summary>
    /// <see cref="ValueCondition"/> over values held in memory: a prefix of code points, as LIKE compares under the
    /// column's binary collation (a null value matches no prefix).
    /// </summary>
    public static Func<string?, bool> HeldCondition(ReportParameters parameters) =>
        parameters.PathPrefix is not { } prefix ? _ => true : value => value is not null && value.StartsWith(prefix, StringComparison.Ordinal);
}
