using System.Text.RegularExpressions;
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

    [Fact]
    public void Migrations_use_no_guarded_DDL_that_MySQL_8_rejects()
    {
        // MariaDB-only: IF [NOT] EXISTS on columns and indexes, CREATE OR REPLACE TABLE, sequences. Such additions
        // belong in a code step (SchemaAdditions). Comments may name them.
        var mariaDbOnly = new Regex(
            @"\b(ADD|DROP|MODIFY|CHANGE)\s+(COLUMN|INDEX|KEY|UNIQUE\s+(INDEX|KEY)|CONSTRAINT|FOREIGN\s+KEY)?\s*IF\s+(NOT\s+)?EXISTS" +
            @"|\bCREATE\s+(UNIQUE\s+)?INDEX\s+IF\s+NOT\s+EXISTS|\bDROP\s+INDEX\s+IF\s+EXISTS|\bCREATE\s+OR\s+REPLACE\s+TABLE|\bCREATE\s+SEQUENCE",
            RegexOptions.IgnoreCase);

        var offending = SchemaMigrator.Embedded()
            .SelectMany(m => Regex.Replace(m.Sql, @"--[^\n]*", "").Split(';').Where(s => mariaDbOnly.IsMatch(s)).Select(s => $"{m.Name}: {s.Trim()}"))
            .ToList();

        Assert.Empty(offending);
    }

    [Fact]
    public async Task A_ledger_holding_the_first_text_of_a_rewritten_migration_starts_up()
    {
        await _db.Migrator.MigrateAsync(CancellationToken.None);
        await _db.ExecuteAsync("UPDATE schema_migrations SET checksum = 'fea47c40b52b733d15a83512d0dab21b60a4253ebffca950d61f428281b45ba0' WHERE version = 54");

        Assert.Empty(await _db.Migrator.MigrateAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Code_steps_add_the_columns_and_index_that_are_missing_and_nothing_twice()
    {
        await _db.Migrator.MigrateAsync(CancellationToken.None);
        await _db.ExecuteAsync("ALTER TABLE day_site_clients DROP COLUMN fives_3, DROP COLUMN fives_4");
        await _db.ExecuteAsync("ALTER TABLE day_clients DROP COLUMN fives_0");
        await _db.ExecuteAsync($"ALTER TABLE report_slice_value DROP INDEX {SliceValueKeyIndex.Name}");
        await using var connection = await TestDatabase.Factory(_db.ConnectionString).OpenAsync(CancellationToken.None);

        for (var run = 0; run < 2; run++)
        {
            await DayFiveMinuteColumns.AddToSiteAsync(connection, CancellationToken.None);
            await DayFiveMinuteColumns.AddToScopesAsync(connection, CancellationToken.None);
            await SliceValueKeyIndex.RunAsync(connection, CancellationToken.None);
        }

        Assert.Equal(10, await _db.ScalarAsync(
            $"SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = '{_db.Name}' AND table_name IN ('day_site_clients', 'day_clients') AND column_name LIKE 'fives\\_%'"));
        Assert.Equal(7, await _db.ScalarAsync(
            $"SELECT COUNT(*) FROM information_schema.statistics WHERE table_schema = '{_db.Name}' AND table_name = 'report_slice_value' AND index_name = '{SliceValueKeyIndex.Name}'"));
    }
}
