using NginxPulse.Functions.Storage;

namespace NginxPulse.Functions.Reports.Slices;

/// <summary>
/// The rollup requests of each hour: its site minutes plus its compacted rollup_hour rows. What an hour slice or a
/// folded day set counted must equal it in the reader's snapshot for the reader to use them.
/// </summary>
public static class SiteHourRequests
{
    /// <summary>A SELECT of (hour_utc, requests) per hour in [<paramref name="from"/>, <paramref name="to"/>), hour-aligned SQL expressions.</summary>
    public static string Select(string from, string to) => $"""
        SELECT t.hour_utc, SUM(t.requests) AS requests FROM (
          SELECT minute_utc - INTERVAL MINUTE(minute_utc) MINUTE AS hour_utc, requests FROM {SiteMinuteTable.Name}
          WHERE minute_utc >= {from} AND minute_utc < {to}
          UNION ALL
          SELECT hour_utc, requests FROM rollup_hour WHERE hour_utc >= {from} AND hour_utc < {to}) t
        GROUP BY t.hour_utc
        """;
}
