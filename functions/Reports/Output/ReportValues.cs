using System.Globalization;

namespace NginxPulse.Functions.Reports.Output;

/// <summary>How values look in every output format.</summary>
public static class ReportValues
{
    /// <summary>UTC, ISO-8601 with milliseconds and Z.</summary>
    public static string Time(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
