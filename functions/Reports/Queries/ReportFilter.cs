using NginxPulse.Functions.Reports.Parameters;
using NginxPulse.Functions.Storage;

namespace NginxPulse.Functions.Reports.Queries;

/// <summary>
/// The WHERE clauses of a request and their parameter values. User text only ever travels as a parameter value;
/// the SQL text is built from fixed fragments and parameter names alone.
/// </summary>
public sealed class ReportFilter
{
    private readonly List<KeyValuePair<string, object>> _values = [];
    private readonly string _scope;
    private readonly bool _hasWholeHours;

    public ReportFilter(ReportParameters parameters)
    {
        Parameters = parameters;
        Add("@from", parameters.FromUtc);
        Add("@to", parameters.ToUtc);
        var scope = "";
        if (parameters.Vhost is { } vhost)
        {
            Add("@vhost", vhost);
            scope += " AND vhost = @vhost";
        }
        if (parameters.Host is { } host)
        {
            Add("@host", host);
            scope += " AND host = @host";
        }

        _scope = scope;
        RollupWhere = "minute_utc >= @from AND minute_utc < @to" + scope;
        var fromHour = RollupDelta.HourOf(parameters.FromUtc) == parameters.FromUtc ? parameters.FromUtc : RollupDelta.HourOf(parameters.FromUtc).AddHours(1);
        var toHour = RollupDelta.HourOf(parameters.ToUtc);
        _hasWholeHours = fromHour < toHour;
        // A compacted hour (rollup_hour / rollup_histogram_hour) counts when it overlaps the range.
        Add("@from_minus_hour", parameters.FromUtc.AddHours(-1));
        if (_hasWholeHours)
        {
            Add("@from_hour", fromHour);
            Add("@to_hour", toHour);
        }
        var raw = "time_utc >= @from AND time_utc < @to" + scope;
        if (parameters.PathPrefix is { } prefix)
        {
            Add("@path", EscapeLike(prefix) + "%");
            raw += " AND path LIKE @path ESCAPE '!'";
        }
        if (parameters.Statuses.Count > 0)
        {
            var ranges = new List<string>();
            for (var i = 0; i < parameters.Statuses.Count; i++)
            {
                Add($"@status_low_{i}", parameters.Statuses[i].Low);
                Add($"@status_high_{i}", parameters.Statuses[i].High);
                ranges.Add($"(status >= @status_low_{i} AND status < @status_high_{i})");
            }
            raw += $" AND ({string.Join(" OR ", ranges)})";
        }
        RawWhere = raw;
    }

    public ReportParameters Parameters { get; }

    /// <summary>Over rollup_minute / rollup_histogram_minute: time, vhost and host only.</summary>
    public string RollupWhere { get; }

    /// <summary>Over access_log: every filter.</summary>
    public string RawWhere { get; }

    public IReadOnlyList<KeyValuePair<string, object>> Values => _values;

    public ReportSource MinuteSource => Parameters.NeedsRawRows ? ReportSource.Raw : ReportSource.Rollup;

    /// <summary>
    /// A CTE <c>m</c> with rollup_minute's columns: the stored minutes plus the hours MaintainStorage compacted into
    /// rollup_hour (their hour as minute_utc; an hour counts when it overlaps the range), or with path/status filters
    /// the same aggregation recomputed from the matching raw rows (<see cref="RollupSql"/>, so both count alike).
    /// </summary>
    public string MinutesCte => Parameters.NeedsRawRows
        ? $"WITH m ({RollupSql.MinuteColumns}) AS ({RollupSql.SelectMinutes(RawWhere)})"
        : $"""
            WITH m AS (
              SELECT {RollupSql.MinuteColumns} FROM rollup_minute WHERE {RollupWhere}
              UNION ALL
              SELECT {RollupSql.MinuteColumns.Replace("minute_utc", "hour_utc", StringComparison.Ordinal)} FROM rollup_hour
              WHERE hour_utc > @from_minus_hour AND hour_utc < @to{_scope})
            """;

    /// <summary>
    /// A SELECT of latency histogram rows with columns (b, bucket, count, histogram), b being <paramref name="group"/>
    /// (an expression over minute_utc). From the matching raw rows when a filter needs them: one row per group and
    /// bucket, histogram NULL. Else one packed histogram per stored row, bucket and count NULL: the compacted hours
    /// overlapping the range (rollup_histogram_hour), plus either the stored minutes, or — when
    /// <paramref name="hoursAreWhole"/> allows — the whole hours inside the range from rollup_histogram_minute_by_hour
    /// (their hour as minute_utc) and only the partial hours at either end from the minutes.
    /// <see cref="LatencyPercentiles.Add(System.Data.Common.DbDataReader, int)"/> reads both shapes.
    /// </summary>
    /// <param name="group">The grouping expression, e.g. a time-series step; a constant for one histogram.</param>
    /// <param name="hoursAreWhole">False when a consumer must see real minutes, e.g. steps that cut hours in two.</param>
    public string LatencySql(string group, bool hoursAreWhole = true)
    {
        if (Parameters.NeedsRawRows)
            return $"SELECT {group} AS b, bucket, SUM(count), NULL FROM ({RollupSql.SelectLatency(RawWhere)}) l GROUP BY b, bucket";
        var compacted = $"""
            SELECT hour_utc AS minute_utc, histogram FROM rollup_histogram_hour
              WHERE hour_utc > @from_minus_hour AND hour_utc < @to{_scope}
            """;
        var rows = !hoursAreWhole || !_hasWholeHours
            ? $"SELECT minute_utc, histogram FROM rollup_histogram_minute WHERE {RollupWhere} UNION ALL {compacted}"
            : $"""
                SELECT hour_utc AS minute_utc, histogram FROM rollup_histogram_minute_by_hour
                WHERE hour_utc >= @from_hour AND hour_utc < @to_hour{_scope}
                UNION ALL
                SELECT minute_utc, histogram FROM rollup_histogram_minute
                WHERE ((minute_utc >= @from AND minute_utc < @from_hour) OR (minute_utc >= @to_hour AND minute_utc < @to)){_scope}
                UNION ALL
                {compacted}
                """;
        return $"SELECT {group} AS b, NULL, NULL, histogram FROM ({rows}) l";
    }

    /// <summary>
    /// One value: the distinct clients of the range. From raw rows when a filter needs them; else the hourly client
    /// sets of the whole hours (the whole site's when neither vhost nor host narrows it) unioned with the raw rows of
    /// the partial hours at either end, all keyed by <see cref="ClientHash"/> (hashed once per distinct client of the
    /// partial hours, not once per row: MD5 per row doubled the time of an unaligned day).
    /// </summary>
    public string VisitorsSql
    {
        get
        {
            const string client = "COALESCE(client_ip, remote_addr)";
            if (Parameters.NeedsRawRows || !_hasWholeHours)
                return $"SELECT COUNT(DISTINCT {client}) FROM access_log WHERE {RawWhere}";
            var sets = _scope.Length == 0 ? "hourly_site_clients" : "hourly_clients";
            return $"""
                SELECT COUNT(DISTINCT c) FROM (
                  SELECT client_hash AS c FROM {sets} WHERE hour_utc >= @from_hour AND hour_utc < @to_hour{_scope}
                  UNION ALL
                  SELECT {ClientHash.Sql("p.c")} FROM (
                    SELECT DISTINCT {client} AS c FROM access_log
                    WHERE ((time_utc >= @from AND time_utc < @from_hour) OR (time_utc >= @to_hour AND time_utc < @to)){_scope}
                  ) p
                ) v
                """;
        }
    }

    public void Add(string name, object value) => _values.Add(new(name, value));

    private static string EscapeLike(string text) => text.Replace("!", "!!").Replace("%", "!%").Replace("_", "!_");
}
