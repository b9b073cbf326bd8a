using Microsoft.Extensions.Options;

namespace NginxPulse.Functions.Reports;

/// <summary>Fails start-up naming the setting, so a bad bound is found at deployment rather than on the first request.</summary>
public sealed class ReportsOptionsValidator : IValidateOptions<ReportsOptions>
{
    public ValidateOptionsResult Validate(string? name, ReportsOptions options)
    {
        var failures = new List<string>();
        if (options.MaxRange < TimeSpan.FromMinutes(1))
            failures.Add($"{ReportsOptions.Section}:MaxRange must be at least one minute (was {options.MaxRange}).");
        if (options.MaxLimit is < 1 or > 100_000)
            failures.Add($"{ReportsOptions.Section}:MaxLimit must be within 1..100000 (was {options.MaxLimit}).");
        if (options.MaxBuckets is < 1 or > 100_000)
            failures.Add($"{ReportsOptions.Section}:MaxBuckets must be within 1..100000 (was {options.MaxBuckets}).");
        if (options.QueryTimeout < TimeSpan.FromSeconds(1))
            failures.Add($"{ReportsOptions.Section}:QueryTimeout must be at least one second (was {options.QueryTimeout}).");
        if (options.SliceCacheMegabytes is < 0 or > 1_048_576)
            failures.Add($"{ReportsOptions.Section}:SliceCacheMegabytes must be within 0..1048576 (was {options.SliceCacheMegabytes}).");
        if (options.DayClientsCacheMegabytes is < 0 or > 1_048_576)
            failures.Add($"{ReportsOptions.Section}:DayClientsCacheMegabytes must be within 0..1048576 (was {options.DayClientsCacheMegabytes}).");
        if (options.HoldAheadInterval < TimeSpan.FromSeconds(1))
            failures.Add($"{ReportsOptions.Section}:HoldAheadInterval must be at least one second (was {options.HoldAheadInterval}).");
        try
        {
            foreach (var range in Held.HeldAhead.Ranges(options))
                if (range < TimeSpan.FromMinutes(1) || range > options.MaxRange)
                    failures.Add($"{ReportsOptions.Section}:HoldAheadRanges: {range} is not within one minute..MaxRange ({options.MaxRange}).");
        }
        catch (Parameters.ReportParameterException e)
        {
            failures.Add($"{ReportsOptions.Section}:HoldAheadRanges must be durations such as 15m,1h,24h, comma-separated ({e.Message}; was '{options.HoldAheadRanges}').");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
