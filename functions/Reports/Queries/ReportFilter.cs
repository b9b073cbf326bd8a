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

        RollupWhere = "minute_utc >= @from AND minute_utc < @to" + scope;
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

    /// <summary>Over rollup_minute / rollup_latency_minute: time, vhost and host only.</summary>
    public string RollupWhere { get; }

    /// <summary>Over access_log: every filter.</summary>
    public string RawWhere { get; }

    public IReadOnlyList<KeyValuePair<string, object>> Values => _values;

    public ReportSource MinuteSource => Parameters.NeedsRawRows ? ReportSource.Raw : ReportSource.Rollup;

    /// <summary>
    /// A CTE <c>m</c> with rollup_minute's columns: the stored rollups, or with path/status filters the same
    /// aggregation recomputed from the matching raw rows (<see cref="RollupSql"/>, so both count alike).
    /// </summary>
    public string MinutesCte => Parameters.NeedsRawRows
        ? $"WITH m ({RollupSql.MinuteColumns}) AS ({RollupSql.SelectMinutes(RawWhere)})"
        : $"WITH m AS (SELECT {RollupSql.MinuteColumns} FROM rollup_minute WHERE {RollupWhere})";

    /// <summary>A CTE <c>l</c> with rollup_latency_minute's columns, from the rollups or the matching raw rows.</summary>
    public string LatencyCte => Parameters.NeedsRawRows
        ? $"WITH l ({RollupSql.LatencyColumns}) AS ({RollupSql.SelectLatency(RawWhere)})"
        : $"WITH l AS (SELECT {RollupSql.LatencyColumns} FROM rollup_latency_minute WHERE {RollupWhere})";

    public void Add(string name, object value) => _values.Add(new(name, value));

    private static string EscapeLike(string text) => text.Replace("!", "!!").Replace("%", "!%").Replace("_", "!_");
}
