using NginxPulse.Functions.Reports.Held;
using NginxPulse.Functions.Reports.Parameters;
using NginxPulse.Functions.Reports.Slices;

namespace NginxPulse.Functions.Reports.Queries;

/// <summary>
/// The most requested values of one raw column (paths, clients, referrers, user agents) with their bytes and error
/// counts; ties broken by the value so pages are stable. Valid report slices answer for their parts of the range, raw
/// rows for the rest; a status filter (or a path filter on another column than the path) needs raw rows throughout.
/// </summary>
public sealed class TopListReport : IReport
{
    public const int DefaultLimit = 10;

    private readonly ReportDatabase _database;
    private readonly SliceRowCache _cache;
    private readonly SliceDimension _dimension;
    private readonly string[] _columns;

    private TopListReport(ReportDatabase database, SliceRowCache cache, SliceDimension dimension, string keyColumn)
    {
        _database = database;
        _cache = cache;
        _dimension = dimension;
        _columns = [keyColumn, "requests", "bytes", "status4xx", "status5xx"];
    }

    public string Name => _dimension.Name;

    public static TopListReport Paths(ReportDatabase database, SliceRowCache cache) => new(database, cache, SliceDimension.Paths, "path");

    public static TopListReport Clients(ReportDatabase database, SliceRowCache cache) => new(database, cache, SliceDimension.Clients, "client");

    public static TopListReport Referrers(ReportDatabase database, SliceRowCache cache) => new(database, cache, SliceDimension.Referrers, "referrer");

    public static TopListReport UserAgents(ReportDatabase database, SliceRowCache cache) => new(database, cache, SliceDimension.UserAgents, "userAgent");

    public async Task<ReportTable> RunAsync(ReportParameters parameters, CancellationToken ct)
    {
        var filter = new ReportFilter(parameters);
        var limit = parameters.Limit ?? DefaultLimit;
        var pathOnValue = _dimension == SliceDimension.Paths ? SlicedPath.ValueCondition(parameters) : "";
        var heldPath = _dimension == SliceDimension.Paths ? SlicedPath.HeldCondition(parameters) : _ => true;
        var slicesAnswer = parameters.Statuses.Count == 0 && (parameters.PathPrefix is null || _dimension == SliceDimension.Paths);
        await using var read = await SlicedRead.BeginAsync(_database, filter, slicesAnswer, ct);
        var sums = await SlicedTopValues.ReadAsync(read, new TopValuesQuery(_dimension, SliceRanks.Requests,
            ["requests", "bytes", "status_4xx", "status_5xx"], pathOnValue,
            ["COUNT(*)", "SUM(COALESCE(bytes_sent, body_bytes))", "SUM(status >= 400 AND status < 500)", "SUM(status >= 500 AND status < 600)"], "",
            [0], limit, r => [r.Requests, r.Bytes, r.Status4xx, r.Status5xx], r => heldPath(r.Value)), _cache, ct);
        var rows = sums.OrderByDescending(v => v.Value[0]).ThenBy(v => v.Key, SlicedRead.ValueOrder)
            .Take(limit)
            .Select(v => new object?[] { v.Key, v.Value[0], v.Value[1], v.Value[2], v.Value[3] })
            .ToList();
        var accuracy = await read.AccuracyAsync(_dimension, SliceRanks.Requests, ct);
        return new ReportTable(_columns, rows, read.Source) { Accuracy = accuracy };
    }
}
