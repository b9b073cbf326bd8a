using NginxPulse.Functions.Reports.Held;
using NginxPulse.Functions.Reports.Parameters;
using NginxPulse.Functions.Reports.Slices;

namespace NginxPulse.Functions.Reports.Queries;

/// <summary>
/// Paths by their 4xx + 5xx responses, most first. A null path is a request line that could not be parsed. From the
/// paths report slices where valid (their 4xx and 5xx counts), raw rows for the rest; a status filter the classes
/// cannot answer (one code such as 404) needs raw rows throughout.
/// </summary>
public sealed class ErrorsReport(ReportDatabase database, SliceRowCache cache) : IReport
{
    private static readonly string[] Columns = ["path", "errors", "status4xx", "status5xx"];

    public string Name => "errors";

    public async Task<ReportTable> RunAsync(ReportParameters parameters, CancellationToken ct)
    {
        var filter = new ReportFilter(parameters);
        var with4xx = ClassSelection(parameters, 400);
        var with5xx = ClassSelection(parameters, 500);
        await using var read = await SlicedRead.BeginAsync(database, filter, with4xx is not null && with5xx is not null, ct);
        // 0/1 factors from the filter: whole classes in or out.
        var s4 = with4xx == true ? "status_4xx" : "0";
        var s5 = with5xx == true ? "status_5xx" : "0";
        var limit = parameters.Limit ?? TopListReport.DefaultLimit;
        var onPath = SlicedPath.HeldCondition(parameters);
        var sums = await SlicedTopValues.ReadAsync(read, new TopValuesQuery(SliceDimension.Paths, SliceRanks.Errors,
            [s4, s5], $"{SlicedPath.ValueCondition(parameters)} AND (status_4xx > 0 OR status_5xx > 0)",
            ["SUM(status < 500)", "SUM(status >= 500)"], " AND status >= 400 AND status < 600", [0, 1], limit,
            r => [with4xx == true ? r.Status4xx : 0, with5xx == true ? r.Status5xx : 0], r => onPath(r.Value) && (r.Status4xx > 0 || r.Status5xx > 0)), cache, ct);
        var rows = sums.Select(v => (Path: v.Key, Errors: v.Value[0] + v.Value[1], Status4xx: v.Value[0], Status5xx: v.Value[1]))
            .Where(v => v.Errors > 0)
            .OrderByDescending(v => v.Errors).ThenBy(v => v.Path, SlicedRead.ValueOrder)
            .Take(limit)
            .Select(v => new object?[] { v.Path, v.Errors, v.Status4xx, v.Status5xx })
            .ToList();
        var accuracy = await read.AccuracyAsync(SliceDimension.Paths, SliceRanks.Errors, ct);
        return new ReportTable(Columns, rows, read.Source) { Accuracy = accuracy };
    }

    /// <summary>Whether the status filter keeps the whole class from <paramref name="low"/> (true), none of it (false), or part of it (null: raw rows).</summary>
    private static bool? ClassSelection(ReportParameters parameters, int low)
    {
        if (parameters.Statuses.Count == 0) return true;
        if (parameters.Statuses.Any(r => r.Low <= low && r.High >= low + 100)) return true;
        return parameters.Statuses.Any(r => r.Low < low + 100 && r.High > low) ? null : false;
    }
}
