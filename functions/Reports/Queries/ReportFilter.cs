using System.Globalization;
using NginxPulse.Functions.Reports.Parameters;
using NginxPulse.Functions.Reports.Slices;
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
    private readonly string _minutes;
    private readonly string _minuteHistograms;
    private readonly bool _hasWholeHours;
    private readonly bool _visitorsFromSets;
    private readonly bool _partialFirstFive;
    private readonly bool _partialLastFive;
    private readonly IReadOnlyList<string> _firstEdgeMinutes = [];
    private readonly IReadOnlyList<string> _lastEdgeMinutes = [];
    private readonly IReadOnlyList<string> _edgeFives = [];

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
        if (scope.Length > 0)
        {
            // The scope's day set: the one of report_slice_value's scopes the filter names, '' for what it does not.
            Add("@day_scope", SliceScope.Of(parameters.Vhost is not null, parameters.Host is not null).Id);
            Add("@day_vhost", parameters.Vhost ?? "");
            Add("@day_host", parameters.Host ?? "");
        }
        // Without a vhost/host filter the minutes come from the whole site's rows: one per minute, however many scopes.
        _minutes = scope.Length == 0 ? SiteMinuteTable.Name : "rollup_minute";
        _minuteHistograms = scope.Length == 0 ? SiteMinuteTable.Name : "rollup_histogram_minute";
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
        // For visitors: the whole 5 minutes inside the range (possibly none) and the partial ones at either end; a range
        // inside one 5 minutes has neither and is counted from its raw rows.
        var fromFive = VisitorWriter.FiveMinutesOf(parameters.FromUtc.AddTicks(VisitorWriter.FiveMinutes.Ticks - 1));
        var toFive = VisitorWriter.FiveMinutesOf(parameters.ToUtc);
        _visitorsFromSets = fromFive <= toFive;
        if (_visitorsFromSets)
        {
            Add("@from_five", fromFive);
            Add("@to_five", toFive);
            // Whole hours come from the hourly set, the 5 minutes around them from the 5-minute set; without whole hours
            // an empty hour range at the end of the 5 minutes leaves them all to the 5-minute set.
            Add("@from_set_hour", _hasWholeHours ? fromHour : toFive);
            Add("@to_set_hour", _hasWholeHours ? toHour : toFive);
            if (_hasWholeHours)
            {
                // The hours whose folds are read: the whole ones and the partial ones at either end, whose whole 5
                // minutes the site's day sets also answer (the mask of those 5 minutes in each).
                var firstEdge = RollupDelta.HourOf(fromFive);
                var (firstFives, lastFives) = (DayFiveMinutes.Mask(fromFive, fromHour), DayFiveMinutes.Mask(toHour, toFive));
                if ((firstFives | lastFives) != 0)
                    _edgeFives = AddEach("@edge_five", [.. Times(fromFive, fromHour, VisitorWriter.FiveMinutes), .. Times(toHour, toFive, VisitorWriter.FiveMinutes)]);
                Add("@first_edge_hour", firstEdge);
                Add("@first_edge_fives", firstFives);
                Add("@last_edge_hour", toHour);
                Add("@last_edge_fives", lastFives);
                Add("@from_fold_hour", firstEdge);
                Add("@to_fold_hour", toFive > toHour ? toHour.AddHours(1) : toHour);
            }
            _partialFirstFive = parameters.FromUtc < fromFive;
            if (_partialFirstFive) Add("@from_edge", fromFive - VisitorWriter.FiveMinutes);
            _partialLastFive = toFive < parameters.ToUtc;
            if (_partialLastFive) Add("@to_edge", toFive + VisitorWriter.FiveMinutes);
            // The minutes inside the partial 5 minutes have sets of their own (minute_site_clients, minute_clients).
            if (_partialFirstFive) _firstEdgeMinutes = AddEach("@from_edge_minute", Times(parameters.FromUtc, fromFive, OneMinute));
            if (_partialLastFive) _lastEdgeMinutes = AddEach("@to_edge_minute", Times(toFive, parameters.ToUtc, OneMinute));
        }
        var raw = "time_utc >= @from AND time_utc < @to" + scope;
        if (parameters.PathPrefix is { } prefix)
        {
            Add("@path", EscapeLike(prefix) + "%");
            raw += " AND path LIKE @path ESCAPE '!'";
        }
        if (parameters.Statuses.Count > 0)
        {
            for (var i = 0; i < parameters.Statuses.Count; i++)
            {
                Add($"@status_low_{i}", parameters.Statuses[i].Low);
                Add($"@status_high_{i}", parameters.Statuses[i].High);
            }
            raw += " AND " + StatusCondition("status");
        }
        RawWhere = raw;
    }

    public ReportParameters Parameters { get; }

    /// <summary>Over rollup_minute / rollup_histogram_minute: time, vhost and host only.</summary>
    public string RollupWhere { get; }

    /// <summary>Over access_log: every filter.</summary>
    public string RawWhere { get; }

    public IReadOnlyList<KeyValuePair<string, object>> Values => _values;

    /// <summary>" AND vhost = @vhost AND host = @host" as the filter gives them (empty without): over any table with those columns.</summary>
    public string ScopeCondition => _scope;

    /// <summary>The status filter over <paramref name="column"/> (an integer expression); only when the filter has statuses.</summary>
    public string StatusCondition(string column) =>
        "(" + string.Join(" OR ", Parameters.Statuses.Select((_, i) => $"({column} >= @status_low_{i} AND {column} < @status_high_{i})")) + ")";

    public ReportSource MinuteSource => Parameters.NeedsRawRows ? ReportSource.Raw : ReportSource.Rollup;

    /// <summary>
    /// A CTE <c>m</c> with rollup_minute's value columns and minute_utc: the stored minutes (the whole site's rows
    /// when neither vhost nor host narrows them) plus the hours MaintainStorage compacted into rollup_hour (their hour
    /// as minute_utc; an hour counts when it overlaps the range), or with path/status filters the same aggregation
    /// recomputed from the matching raw rows (<see cref="RollupSql"/>, so both count alike).
    /// </summary>
    public string MinutesCte => Parameters.NeedsRawRows
        ? $"WITH m ({RollupSql.MinuteColumns}) AS ({RollupSql.SelectMinutes(RawWhere)})"
        : $"""
            WITH m AS (
              SELECT minute_utc, {SiteMinuteTable.CounterColumns} FROM {_minutes} WHERE {RollupWhere}
              UNION ALL
              SELECT hour_utc, {SiteMinuteTable.CounterColumns} FROM rollup_hour
              WHERE hour_utc > @from_minus_hour AND hour_utc < @to{_scope})
            """;

    /// <summary>
    /// A SELECT of latency histogram rows with columns (b, bucket, count, histogram), b being <paramref name="group"/>
    /// (an expression over minute_utc). From the matching raw rows when a filter needs them: one row per group and
    /// bucket, histogram NULL. Else one packed histogram per stored row, bucket and count NULL: the compacted hours
    /// overlapping the range (rollup_histogram_hour), plus either the stored minutes (the whole site's when neither
    /// vhost nor host narrows them), or — when
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
            ? $"SELECT minute_utc, histogram FROM {_minuteHistograms} WHERE {RollupWhere} UNION ALL {compacted}"
            : $"""
                SELECT hour_utc AS minute_utc, histogram FROM rollup_histogram_minute_by_hour
                WHERE hour_utc >= @from_hour AND hour_utc < @to_hour{_scope}
                UNION ALL
                SELECT minute_utc, histogram FROM {_minuteHistograms}
                WHERE ((minute_utc >= @from AND minute_utc < @from_hour) OR (minute_utc >= @to_hour AND minute_utc < @to)){_scope}
                UNION ALL
                {compacted}
                """;
        return $"SELECT {group} AS b, NULL, NULL, histogram FROM ({rows}) l";
    }

    /// <summary>
    /// One value: the distinct clients of the range, all keyed by <see cref="ClientHash"/>. From raw rows when a filter
    /// needs them. Otherwise from the client sets — the site's without a vhost/host filter, the scopes' with one: the
    /// whole hours per day from the day set for the hours folded into it while still valid, else from the hourly sets
    /// and the whole 5 minutes around them from the day set's 5-minute bits while valid, else from the 5-minute sets
    /// (<see cref="WholeHours"/>; without whole hours all from the 5-minute sets), and at either end the
    /// partial 5 minutes: read whole from its set when no row of any scope is stored in the part of it outside the
    /// range (one index seek: e.g. a range ending after the newest row), else the part inside: minute by minute from the
    /// minute's set (minute_site_clients, or the scope's rows of minute_clients) while the minute's report slice is valid,
    /// else from raw rows.
    /// One statement, so the seeks and the reads see one snapshot: exact while batches are being stored. Raw rows'
    /// clients are hashed once per distinct client, not once per row (MD5 per row doubled the time of an unaligned day).
    /// </summary>
    public string VisitorsSql => Parameters.NeedsRawRows || !_visitorsFromSets
        ? $"SELECT COUNT(DISTINCT {Client}) FROM access_log WHERE {RawWhere}"
        : $"{VisitorCtes}SELECT COUNT(DISTINCT c) FROM (\n{string.Join("\nUNION ALL\n", VisitorParts(withDaySets: true))}\n) v";

    /// <summary>Whether <see cref="VisitorsSql"/> reads day sets: the client sets answer and the range has whole hours.</summary>
    public bool VisitorsReadDaySets => !Parameters.NeedsRawRows && _visitorsFromSets && _hasWholeHours;

    /// <summary>
    /// The day sets <see cref="VisitorsSql"/> reads and what of them it counts (with <see cref="VisitorsReadDaySets"/>):
    /// per day, its day_utc, the mask of hour bits and the masks of 5-minute bits (<see cref="DayFiveMinutes.Names"/>)
    /// a client must have one of, and the day's fold version (<see cref="DaySetVersion.Sql"/>). Read in the same
    /// snapshot as <see cref="VisitorsOutsideDaySetsSql"/>, the two count what <see cref="VisitorsSql"/> counts.
    /// </summary>
    public string VisitorDaySetsSql => $"""
        {VisitorCtes}SELECT m.day_utc, m.hours, {string.Join(", ", DayFiveMinutes.Names.Select(name => _edgeFives.Count > 0 ? $"m.{name}" : "0"))}, {DaySetVersion.Sql("m.day_utc")}
        FROM ({DayMasks}) m
        """;

    /// <summary>
    /// The distinct clients <see cref="VisitorsSql"/> counts from other sets than the day sets (with
    /// <see cref="VisitorsReadDaySets"/>), packed: rows of (clients, their keys as 16 hex digits each, run together),
    /// one per key's top byte. Each row sent costs MySql.Data ~4 µs, so 20,000 clients one per row take ~80 ms; packed,
    /// a few. The session's group_concat_max_len is raised first (MySQL's default keeps 64 keys); the count tells a cut list.
    /// </summary>
    public string VisitorsOutsideDaySetsSql => $"""
        SET SESSION group_concat_max_len = {PackedClientKeys.MaxLength};
        {VisitorCtes}SELECT COUNT(*), GROUP_CONCAT(LPAD(HEX(c), 16, '0') SEPARATOR '') FROM (
        SELECT DISTINCT c FROM (
        {string.Join("\nUNION ALL\n", VisitorParts(withDaySets: false))}
        ) v) d GROUP BY c >> 56
        """;

    /// <summary>The day sets of the filter's scope: the whole site's (day_site_clients) or one scope's rows of day_clients.</summary>
    public DaySet DaySetOf(DateTime day)
    {
        var scope = SliceScope.Of(Parameters.Vhost is not null, Parameters.Host is not null);
        return new DaySet(scope.Id, Parameters.Vhost ?? "", Parameters.Host ?? "", day);
    }

    /// <summary>The selects of the clients <see cref="VisitorsSql"/> counts (the first names its column c); the day sets' only <paramref name="withDaySets"/>.</summary>
    private List<string> VisitorParts(bool withDaySets)
    {
        var fives = _scope.Length == 0 ? "five_minute_site_clients" : "five_minute_clients";
        var parts = new List<string>();
        if (_hasWholeHours) parts.AddRange(WholeHours(withDaySets));
        if (!_hasWholeHours)
            parts.Add($"""
                SELECT client_hash AS c FROM {fives}
                WHERE ((minute_utc >= @from_five AND minute_utc < @from_set_hour) OR (minute_utc >= @to_set_hour AND minute_utc < @to_five)){_scope}
                """);
        if (_partialFirstFive) parts.AddRange(PartialFiveMinutes(fives, "@from_edge", ("@from_edge", "@from"), ("@from", "@from_five"), _firstEdgeMinutes));
        if (_partialLastFive) parts.AddRange(PartialFiveMinutes(fives, "@to_five", ("@to", "@to_edge"), ("@to_five", "@to"), _lastEdgeMinutes));
        return parts;
    }

    /// <summary>The CTEs the visitors' selects use (<see cref="WholeHours"/>): none without whole hours.</summary>
    private string VisitorCtes
    {
        get
        {
            // The partial hours' whole 5 minutes folded one by one (the current hour's), valid while their record equals
            // their site minutes' requests.
            var fiveRequests = _edgeFives.Count == 0 ? "" : $"""
                ,
                fr AS (SELECT minute_utc - INTERVAL MINUTE(minute_utc) % 5 MINUTE AS five_utc, SUM(requests) AS requests FROM {SiteMinuteTable.Name}
                       WHERE (minute_utc >= @from_five AND minute_utc < @from_set_hour) OR (minute_utc >= @to_set_hour AND minute_utc < @to_five) GROUP BY five_utc),
                fv AS (SELECT fr.five_utc FROM fr JOIN day_site_clients_five f ON f.five_utc = fr.five_utc AND f.requests = fr.requests)
                """;
            return _hasWholeHours ? $"""
                WITH w AS ({SiteHourRequests.Select("@from_fold_hour", "@to_fold_hour")}),
                valid AS (SELECT w.hour_utc FROM w JOIN day_site_clients_hour f ON f.hour_utc = w.hour_utc AND f.requests = w.requests){fiveRequests}

                """ : "";
        }
    }

    private const string Client = "COALESCE(client_ip, remote_addr)";

    /// <summary>
    /// The clients of the whole hours (CTE <c>w</c>: the rollup requests of the hours folded for the range, <c>valid</c>:
    /// those whose fold is valid, i.e. recorded with the requests the hour has now) in the filter's scope: per day, from
    /// the day set (day_site_clients for the whole site, else the scope's rows of day_clients) for the valid hours (the
    /// mask of their bits), and from the hourly sets for the others; the whole 5 minutes of the partial hours at either
    /// end from the same day rows' 5-minute bits when their hour is valid or (the current hour, folded 5 minutes at a
    /// time) their own 5-minute fold is (CTE <c>fv</c>), else from the 5-minute sets. One record per hour (per 5 minutes)
    /// governs every scope (all are folded together, and a scope's rows are rows of the site). The validity is read in
    /// the statement's snapshot, so it stays exact.
    /// </summary>
    private IEnumerable<string> WholeHours(bool withDaySets)
    {
        var site = _scope.Length == 0;
        var fives = _edgeFives.Count > 0;
        var days = site
            ? "day_site_clients d ON d.day_utc = m.day_utc"
            : "day_clients d ON d.scope = @day_scope AND d.vhost = @day_vhost AND d.host = @day_host AND d.day_utc = m.day_utc";
        var any = string.Concat(fives ? DayFiveMinutes.Names.Select(name => $" OR d.{name} & m.{name} <> 0") : []);
        if (withDaySets)
            yield return $"""
                SELECT d.client_hash AS c FROM (
                  {DayMasks}
                ) m STRAIGHT_JOIN {days}
                WHERE d.hours & m.hours <> 0{any}
                """;
        yield return $"""
            SELECT h.client_hash AS c FROM (
              SELECT w.hour_utc FROM w WHERE w.hour_utc >= @from_set_hour AND w.hour_utc < @to_set_hour
              AND w.hour_utc NOT IN (SELECT hour_utc FROM valid)
            ) x STRAIGHT_JOIN {(site ? "hourly_site_clients h ON h.hour_utc = x.hour_utc" : $"hourly_clients h ON h.hour_utc = x.hour_utc{_scope}")}
            """;
        if (!fives) yield break;
        // A partial hour's whole 5 minutes from their 5-minute sets unless their hour's fold or their own is valid.
        yield return $"""
            SELECT s.client_hash FROM (
              SELECT x.five_utc FROM ({string.Join(" UNION ALL ", _edgeFives.Select(five => $"SELECT CAST({five} AS DATETIME) AS five_utc"))}) x
              WHERE x.five_utc - INTERVAL MINUTE(x.five_utc) MINUTE NOT IN (SELECT hour_utc FROM valid) AND x.five_utc NOT IN (SELECT five_utc FROM fv)
            ) y STRAIGHT_JOIN {(site ? "five_minute_site_clients" : "five_minute_clients")} s ON s.minute_utc = y.five_utc{_scope}
            """;
    }

    /// <summary>
    /// Per day of the range's valid folds (day_utc): the hour bits (hours) and 5-minute bits (<see cref="DayFiveMinutes.Names"/>,
    /// when the partial hours have whole 5 minutes) of the day set that <see cref="WholeHours"/> reads.
    /// </summary>
    private string DayMasks
    {
        get
        {
            const string HourBit = "IF(valid.hour_utc >= @from_set_hour AND valid.hour_utc < @to_set_hour, 1 << HOUR(valid.hour_utc), 0)";
            const string EdgeFives = "CASE valid.hour_utc WHEN @first_edge_hour THEN @first_edge_fives WHEN @last_edge_hour THEN @last_edge_fives ELSE 0 END";
            // Without whole 5 minutes in the partial hours (e.g. an aligned range) the day rows' hour bits say it all.
            var fives = _edgeFives.Count > 0;
            var masks = fives
                ? string.Concat(DayFiveMinutes.Place("u.hour_utc", "u.fives").Zip(DayFiveMinutes.Names, (bits, name) => $", BIT_OR({bits}) AS {name}"))
                : "";
            // The bits read: each valid hour's (its hour bit, or its whole 5 minutes in the range for a partial one), and
            // each valid 5-minute fold's of a partial hour.
            var units = fives
                ? $"""
                    SELECT valid.hour_utc, {HourBit} AS hours, {EdgeFives} AS fives FROM valid
                    UNION ALL
                    SELECT fv.five_utc - INTERVAL MINUTE(fv.five_utc) MINUTE, 0, 1 << (MINUTE(fv.five_utc) DIV 5) FROM fv
                    """
                : $"SELECT valid.hour_utc, {HourBit} AS hours FROM valid";
            return $"""
                SELECT DATE(u.hour_utc) AS day_utc, BIT_OR(u.hours) AS hours{masks} FROM (
                  {units}
                ) u GROUP BY DATE(u.hour_utc)
                """;
        }
    }

    /// <summary>
    /// The clients of a partial 5 minutes starting at <paramref name="window"/>: its whole set when no row lies in the
    /// part <paramref name="outside"/> the range, else those of the part <paramref name="inside"/> it: from the raw
    /// rows, or per minute (<paramref name="minutes"/>) from the minute's set (the site's, or the scope's rows of the sets
    /// per vhost and host) while its minute slice is valid (counted rows = the site minute's requests; the builder writes
    /// every set of a minute with its slice) and from the minute's raw rows otherwise. Each SELECT
    /// carries its checks as conditions on no column, which the server evaluates once before reading any row.
    /// </summary>
    private IEnumerable<string> PartialFiveMinutes(string fives, string window, (string From, string To) outside, (string From, string To) inside, IReadOnlyList<string> minutes)
    {
        var rowsOutside = $"EXISTS (SELECT 1 FROM access_log WHERE time_utc >= {outside.From} AND time_utc < {outside.To})";
        yield return $"SELECT client_hash FROM {fives} WHERE minute_utc = {window}{_scope} AND NOT {rowsOutside}";
        if (minutes.Count == 0)
        {
            yield return RawClients(inside.From, inside.To, rowsOutside);
            yield break;
        }
        foreach (var minute in minutes)
        {
            var setValid = $"""
                EXISTS (SELECT 1 FROM report_slice s JOIN {SiteMinuteTable.Name} m ON m.minute_utc = s.slice_utc AND m.requests = s.requests
                        WHERE s.span_minutes = {SliceId.Minute} AND s.slice_utc = {minute})
                """;
            var sets = _scope.Length == 0 ? "minute_site_clients" : "minute_clients";
            yield return $"SELECT client_hash FROM {sets} WHERE minute_utc = {minute}{_scope} AND {rowsOutside} AND {setValid}";
            yield return RawClients(minute, $"{minute} + INTERVAL 1 MINUTE", $"{rowsOutside} AND NOT {setValid}");
        }
    }

    private string RawClients(string from, string to, string condition) => $"""
        SELECT {ClientHash.Sql("p.c")} FROM (
          SELECT DISTINCT {Client} AS c FROM access_log WHERE time_utc >= {from} AND time_utc < {to}{_scope} AND {condition}
        ) p
        """;

    private static readonly TimeSpan OneMinute = TimeSpan.FromMinutes(1);

    /// <summary>Every <paramref name="step"/> of [<paramref name="from"/>, <paramref name="to"/>).</summary>
    private static IEnumerable<DateTime> Times(DateTime from, DateTime to, TimeSpan step)
    {
        for (var time = from; time < to; time += step) yield return time;
    }

    /// <summary>A parameter per time, named <paramref name="prefix"/>_0, _1, …; their names.</summary>
    private List<string> AddEach(string prefix, IEnumerable<DateTime> times)
    {
        var names = new List<string>();
        foreach (var time in times)
        {
            names.Add($"{prefix}_{names.Count.ToString(CultureInfo.InvariantCulture)}");
            Add(names[^1], time);
        }
        return names;
    }

    public void Add(string name, object value) => _values.Add(new(name, value));

    private static string EscapeLike(string text) => text.Replace("!", "!!").Replace("%", "!%").Replace("_", "!_");
}
