using NginxPulse.Functions.Storage;
using Xunit;

namespace NginxPulse.Tests.Storage;

public sealed class SchemaMigratorTests : IAsyncLifetime
{
    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync(migrate: false);

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task Migrations_create_every_table_and_a_second_run_is_a_no_op()
    {
        var first = await _db.Migrator.MigrateAsync(CancellationToken.None);
        var tables = await _db.ScalarAsync(
            $"SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '{_db.Name}' AND TABLE_NAME IN ('access_log','dead_letter','rollup_minute','rollup_histogram_minute','kafka_offsets','schema_migrations')");
        var appliedAt = await _db.ScalarAsync("SELECT UNIX_TIMESTAMP(MAX(applied_utc)) * 1000 FROM schema_migrations");

        var second = await _db.Migrator.MigrateAsync(CancellationToken.None);

        Assert.Equal(SchemaMigrator.Embedded().Select(m => m.Version), first);
        Assert.True(first.Count >= 4);
        Assert.Equal(6, tables);
        Assert.Empty(second);
        Assert.Equal(first.Count, await _db.ScalarAsync("SELECT COUNT(*) FROM schema_migrations"));
        Assert.Equal(appliedAt, await _db.ScalarAsync("SELECT UNIX_TIMESTAMP(MAX(applied_utc)) * 1000 FROM schema_migrations"));
    }

    [Fact]
    public async Task Replicas_starting_at_once_apply_each_migration_exactly_once()
    {
        var replicas = Enumerable.Range(0, 4).Select(_ => new SchemaMigrator(TestDatabase.Factory(_db.ConnectionString),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<SchemaMigrator>.Instance)).ToList();

        var applied = await Task.WhenAll(replicas.Select(r => Task.Run(() => r.MigrateAsync(CancellationToken.None))));

        Assert.Equal(SchemaMigrator.Embedded().Select(m => m.Version).Order(), applied.SelectMany(a => a).Order());
        Assert.Equal(SchemaMigrator.Embedded().Count, await _db.ScalarAsync("SELECT COUNT(*) FROM schema_migrations"));
    }

    [Fact]
    public async Task An_applied_migration_that_was_edited_stops_start_up()
    {
        await _db.Migrator.MigrateAsync(CancellationToken.None);
        await _db.ExecuteAsync("UPDATE schema_migrations SET checksum = REPEAT('0', 64) WHERE version = 1");

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => _db.Migrator.MigrateAsync(CancellationToken.None));
        Assert.Contains("0001_access_log", e.Message);
    }
}
