using Microsoft.Extensions.Options;

namespace NginxPulse.Functions.MaintainStorage;

/// <summary>The "Maintenance" settings of MaintainStorage (environment: <c>Maintenance__RawRetentionDays</c>, ...).</summary>
public sealed class MaintenanceOptions
{
    public const string Section = "Maintenance";

    /// <summary>Daily access_log partitions are created this many days ahead of today.</summary>
    public int PartitionDaysAhead { get; set; } = 3;

    /// <summary>Raw access_log days older than this are dropped (whole partitions).</summary>
    public int RawRetentionDays { get; set; } = 30;

    /// <summary>
    /// Minute rollups older than this are compacted into hourly rollups. Keep it above 8 days so rules relative to
    /// the same window a week earlier still find minutes.
    /// </summary>
    public int MinuteRollupDays { get; set; } = 14;

    public int DeadLetterRetentionDays { get; set; } = 30;

    /// <summary>Delivered outbox rows and alert history older than this are deleted (undelivered rows never are).</summary>
    public int AlertRetentionDays { get; set; } = 30;
}

public sealed class MaintenanceOptionsValidator : IValidateOptions<MaintenanceOptions>
{
    public ValidateOptionsResult Validate(string? name, MaintenanceOptions options)
    {
        var problems = new List<string>();
        void Range(int value, string setting, int min, int max)
        {
            if (value < min || value > max) problems.Add($"setting {MaintenanceOptions.Section}:{setting} must be within {min}..{max}, not {value}");
        }
        Range(options.PartitionDaysAhead, nameof(options.PartitionDaysAhead), 1, 366);
        Range(options.RawRetentionDays, nameof(options.RawRetentionDays), 1, 36_500);
        Range(options.MinuteRollupDays, nameof(options.MinuteRollupDays), 1, 36_500);
        Range(options.DeadLetterRetentionDays, nameof(options.DeadLetterRetentionDays), 1, 36_500);
        Range(options.AlertRetentionDays, nameof(options.AlertRetentionDays), 1, 36_500);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
