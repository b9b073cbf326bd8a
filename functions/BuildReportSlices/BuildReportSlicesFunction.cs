using Microsoft.Extensions.Logging;
using NginxPulse.Functions.Hosting;
using NginxPulse.Functions.Reports.Slices;

namespace NginxPulse.Functions.BuildReportSlices;

/// <summary>
/// The timer that keeps the top-list slices (paths, clients, referrers, user agents, statuses) built from the raw
/// rows of complete hours and 5 minutes, so those reports read slices instead of a day of raw rows. Safe to repeat and
/// to run on several replicas (the builder takes a MySQL named lock); it catches up by itself, oldest slice first.
/// </summary>
public sealed class BuildReportSlicesFunction : ITimerFunction
{
    private readonly ReportSliceBuilder _builder;
    private readonly ILogger<BuildReportSlicesFunction> _logger;

    public BuildReportSlicesFunction(ReportSliceBuilder builder, ILogger<BuildReportSlicesFunction> logger)
    {
        _builder = builder;
        _logger = logger;
    }

    public string Name => "BuildReportSlices";

    public async Task RunAsync(TimerTick tick, CancellationToken ct)
    {
        var outcome = await _builder.RunAsync(ct);
        if (!outcome.Ran) return;
        _logger.LogInformation("BuildReportSlices built {Slices} slices and {Blocks} latency blocks ({Rows} rows){PastDue}",
            outcome.Built.Count, outcome.Blocks.Count, outcome.Rows, tick.IsPastDue ? " (past due)" : "");
    }
}
