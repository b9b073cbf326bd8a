using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NginxPulse.Functions.Hosting;
using NginxPulse.Functions.Storage;

namespace NginxPulse.Functions.MaintainStorage;

/// <summary>What one MaintainStorage run did; all zero/empty on a repeat.</summary>
public sealed record MaintenanceOutcome(
    IReadOnlyList<string> PartitionsCreated,
    IReadOnlyList<string> PartitionsDropped,
    long MinuteRollupsCompacted,
    long DeadLettersPurged,
    long OutboxRowsPurged,
    long HistoryRowsPurged,
    long ClientSetRowsPurged,
    long ReportSliceRowsPurged);

/// <summary>
/// The daily storage timer: partitions for the coming days, raw retention (the raw rows and the hourly client sets
/// counted as visitors), minute-to-hour rollup compaction, and purges of old dead letters, delivered notifications
/// and alert history. Every step is idempotent and logs what it did.
/// </summary>
public sealed class MaintainStorageFunction : ITimerFunction
{
    private readonly PartitionManager _partitions;
    private readonly RollupCompactor _compactor;
    private readonly RetentionPurger _purger;
    private readonly MaintenanceOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<MaintainStorageFunction> _logger;

    public MaintainStorageFunction(PartitionManager partitions, RollupCompactor compactor, RetentionPurger purger,
        IOptions<MaintenanceOptions> options, TimeProvider clock, ILogger<MaintainStorageFunction> logger)
    {
        _partitions = partitions;
        _compactor = compactor;
        _purger = purger;
        _options = options.Value;
        _clock = clock;
        _logger = logger;
    }

    public string Name => "MaintainStorage";

    public Task RunAsync(TimerTick tick, CancellationToken ct) => MaintainAsync(ct);

    public async Task<MaintenanceOutcome> MaintainAsync(CancellationToken ct)
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(now);
        var created = await _partitions.EnsureDailyPartitionsAsync(today, today.AddDays(_options.PartitionDaysAhead), ct);
        var rawCutoff = today.AddDays(-_options.RawRetentionDays);
        var dropped = await _partitions.DropPartitionsOlderThanAsync(rawCutoff, ct);
        // Visitors are counted from the raw rows' hours, so their sets live exactly as long as the rows.
        var clientSets = await _purger.PurgeClientSetsAsync(rawCutoff.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), ct);
        // Report slices are built from the raw rows and checked against them: they go with them.
        var slices = await _purger.PurgeReportSlicesAsync(rawCutoff.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), ct);
        var compacted = await _compactor.CompactBeforeAsync(now.Date.AddDays(-_options.MinuteRollupDays), ct);
        var deadLetters = await _purger.PurgeDeadLettersAsync(now.AddDays(-_options.DeadLetterRetentionDays), ct);
        var outbox = await _purger.PurgeDeliveredOutboxAsync(now.AddDays(-_options.AlertRetentionDays), ct);
        var history = await _purger.PurgeAlertHistoryAsync(now.AddDays(-_options.AlertRetentionDays), ct);
        var outcome = new MaintenanceOutcome(created, dropped, compacted, deadLetters, outbox, history, clientSets, slices);
        _logger.LogInformation(
            "MaintainStorage done: {Created} partitions created, {Dropped} dropped, {ClientSets} hourly client set rows, {Slices} report slice rows, {Compacted} minute rollup rows compacted, {DeadLetters} dead letters, {Outbox} delivered notifications and {History} history rows purged",
            created.Count, dropped.Count, clientSets, slices, compacted, deadLetters, outbox, history);
        return outcome;
    }
}
