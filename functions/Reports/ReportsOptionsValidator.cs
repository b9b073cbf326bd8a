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
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
