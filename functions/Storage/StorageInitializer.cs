using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace NginxPulse.Functions.Storage;

/// <summary>
/// Start-up work before the first batch is stored: the schema, then daily partitions around today so inserts
/// land in day partitions rather than the catch-all.
/// </summary>
public sealed class StorageInitializer : IHostedService
{
    private readonly SchemaMigrator _migrator;
    private readonly PartitionManager _partitions;
    private readonly TimeProvider _clock;
    private readonly ILogger<StorageInitializer> _logger;

    public StorageInitializer(SchemaMigrator migrator, PartitionManager partitions, TimeProvider clock, ILogger<StorageInitializer> logger)
    {
        _migrator = migrator;
        _partitions = partitions;
        _clock = clock;
        _logger = logger;
    }

    public async Task InitializeAsync(CancellationToken ct)
    {
        await _migrator.MigrateAsync(ct);
        var today = DateOnly.FromDateTime(_clock.GetUtcNow().UtcDateTime);
        // Yesterday covers late lines around midnight; three days ahead survive a weekend without a restart.
        await _partitions.EnsureDailyPartitionsAsync(today.AddDays(-1), today.AddDays(3), ct);
        _logger.LogInformation("Storage initialized for {Today:yyyy-MM-dd}", today);
    }

    Task IHostedService.StartAsync(CancellationToken cancellationToken) => InitializeAsync(cancellationToken);

    Task IHostedService.StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
