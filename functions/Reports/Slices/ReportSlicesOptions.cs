using Microsoft.Extensions.Options;

namespace NginxPulse.Functions.Reports.Slices;

/// <summary>The "ReportSlices" settings of the BuildReportSlices timer (environment: <c>ReportSlices__TopValues</c>, ...).</summary>
public sealed class ReportSlicesOptions
{
    public const string Section = "ReportSlices";

    /// <summary>
    /// Values kept per slice, dimension and scope (for paths also this many by errors and by p95). A slice with more
    /// keeps a rest row, and reports over it say their counts are lower bounds with an error bound.
    /// </summary>
    public int TopValues { get; set; } = 1000;

    /// <summary>
    /// Values kept per 5-minute or minute slice, dimension and vhost/host scope (each vhost, each host, each vhost on
    /// each host; the whole site keeps <see cref="TopValues"/>, hours keep <see cref="TopValues"/> in every scope). These
    /// slices answer only for the edges of a filtered range, and each scope's values there are nearly all distinct:
    /// keeping <see cref="TopValues"/> for every scope would multiply their rows about tenfold. What is left out is
    /// bounded like any cap (the report's errorUpperBound).
    /// </summary>
    public int ScopeTopValues { get; set; } = 100;

    /// <summary>Slices (hours, 5 minutes and minutes) one run builds at most, oldest first; the next run goes on.</summary>
    public int MaxSlicesPerRun { get; set; } = 30;

    /// <summary>
    /// Days back from now that minute slices (and minute client sets) are built and kept: the edges of ranges ending in
    /// them (the dashboard's relative ranges) read no raw rows. Older minutes are read from raw rows; a minute costs
    /// about as much storage as 3,000 slice rows and its distinct clients, so keeping them for the whole raw retention
    /// would add about a third to the raw rows' size at realistic cardinality.
    /// </summary>
    public int MinuteSliceDays { get; set; } = 2;
}

public sealed class ReportSlicesOptionsValidator : IValidateOptions<ReportSlicesOptions>
{
    public ValidateOptionsResult Validate(string? name, ReportSlicesOptions options)
    {
        var problems = new List<string>();
        if (options.TopValues is < 10 or > 1_000_000)
            problems.Add($"setting {ReportSlicesOptions.Section}:{nameof(options.TopValues)} must be within 10..1000000, not {options.TopValues}");
        if (options.ScopeTopValues is < 10 or > 1_000_000)
            problems.Add($"setting {ReportSlicesOptions.Section}:{nameof(options.ScopeTopValues)} must be within 10..1000000, not {options.ScopeTopValues}");
        if (options.MaxSlicesPerRun is < 1 or > 100_000)
            problems.Add($"setting {ReportSlicesOptions.Section}:{nameof(options.MaxSlicesPerRun)} must be within 1..100000, not {options.MaxSlicesPerRun}");
        if (options.MinuteSliceDays is < 1 or > 366)
            problems.Add($"setting {ReportSlicesOptions.Section}:{nameof(options.MinuteSliceDays)} must be within 1..366, not {options.MinuteSliceDays}");
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
