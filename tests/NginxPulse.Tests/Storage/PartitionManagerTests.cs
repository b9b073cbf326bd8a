using Microsoft.Extensions.Logging.Abstractions;
using NginxPulse.Functions.Storage;
using NginxPulse.Tests.Support;
using Xunit;

namespace NginxPulse.Tests.Storage;

public sealed class PartitionManagerTests : IAsyncLifetime
{
    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Theory]
    [InlineData("2000-01-01")]
    [InlineData("2026-11-21")]
    [InlineData("2028-02-29")]
    [InlineData("2400-03-01")]
    public async Task To_days_matches_the_server(string day) =>
        Assert.Equal(await _db.ScalarAsync($"SELECT TO_DAYS('{day}')"), PartitionManager.ToDays(DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public async Task Ensure_creates_missing_daily_partitions_once()
    {
        var created = await _db.Partitions.EnsureDailyPartitionsAsync(new DateOnly(2026, 11, 20), new DateOnly(2026, 11, 24), CancellationToken.None);
        var again = await _db.Partitions.EnsureDailyPartitionsAsync(new DateOnly(2026, 11, 20), new DateOnly(2026, 11, 24), CancellationToken.None);
        var wider = await _db.Partitions.EnsureDailyPartitionsAsync(new DateOnly(2026, 11, 18), new DateOnly(2026, 11, 26), CancellationToken.None);

        Assert.Equal(["p20261120", "p20261121", "p20261122", "p20261123", "p20261124"], created);
        Assert.Empty(again);
        Assert.Equal(["p20261118", "p20261119", "p20261125", "p20261126"], wider.Order());
        var partitions = await _db.Partitions.ListAsync(CancellationToken.None);
        Assert.Equal(["p20261118", "p20261119", "p20261120", "p20261121", "p20261122", "p20261123", "p20261124", "p20261125", "p20261126", "pmax"],
            partitions.Select(p => p.Name));
        Assert.Equal(await _db.ScalarAsync("SELECT TO_DAYS('2026-11-22')"), partitions.Single(p => p.Name == "p20261121").UpperBoundDays);
    }

    [Fact]
    public async Task Rows_land_in_their_day_and_survive_a_split_of_the_catch_all_partition()
    {
        var store = _db.NewStore();
        var day1 = new AccessRecordBuilder(new DateTime(2026, 11, 21, 23, 58, 0, DateTimeKind.Utc), minutes: 4);  // spans midnight
        await store.StoreAsync("g", AccessRecordBuilder.Items(day1.Build(0, 200), 0), CancellationToken.None);

        // The rows are in pmax now; splitting it must move them into the right days.
        await _db.Partitions.EnsureDailyPartitionsAsync(new DateOnly(2026, 11, 21), new DateOnly(2026, 11, 22), CancellationToken.None);

        Assert.Equal(200, await _db.ScalarAsync("SELECT COUNT(*) FROM access_log"));
        Assert.Equal(await _db.ScalarAsync("SELECT COUNT(*) FROM access_log WHERE time_utc < '2026-11-22'"),
            await _db.ScalarAsync("SELECT COUNT(*) FROM access_log PARTITION (p20261121)"));
        Assert.Equal(await _db.ScalarAsync("SELECT COUNT(*) FROM access_log WHERE time_utc >= '2026-11-22'"),
            await _db.ScalarAsync("SELECT COUNT(*) FROM access_log PARTITION (p20261122)"));
        Assert.Equal(0, await _db.ScalarAsync("SELECT COUNT(*) FROM access_log PARTITION (pmax)"));
        Assert.Empty(await _db.VerifyRollupsAsync());
    }

    [Fact]
    public async Task Retention_drops_whole_days_before_the_cutoff_and_nothing_else()
    {
        await _db.Partitions.EnsureDailyPartitionsAsync(new DateOnly(2026, 11, 18), new DateOnly(2026, 11, 22), CancellationToken.None);
        var store = _db.NewStore();
        var builder = new AccessRecordBuilder(new DateTime(2026, 11, 18, 12, 0, 0, DateTimeKind.Utc), minutes: 4 * 24 * 60);
        await store.StoreAsync("g", AccessRecordBuilder.Items(builder.Build(0, 1000), 0), CancellationToken.None);
        var keep = await _db.ScalarAsync("SELECT COUNT(*) FROM access_log WHERE time_utc >= '2026-11-20'");

        var dropped = await _db.Partitions.DropPartitionsOlderThanAsync(new DateOnly(2026, 11, 20), CancellationToken.None);
        var again = await _db.Partitions.DropPartitionsOlderThanAsync(new DateOnly(2026, 11, 20), CancellationToken.None);

        Assert.Equal(["p20261118", "p20261119"], dropped);
        Assert.Empty(again);
        Assert.True(keep is > 0 and < 1000);
        Assert.Equal(keep, await _db.ScalarAsync("SELECT COUNT(*) FROM access_log"));
        Assert.Equal(["p20261120", "p20261121", "p20261122", "pmax"], (await _db.Partitions.ListAsync(CancellationToken.None)).Select(p => p.Name));
    }

    [Fact]
    public async Task The_initializer_migrates_and_covers_yesterday_to_three_days_ahead()
    {
        await using var fresh = await TestDatabase.CreateAsync(migrate: false);
        var initializer = new StorageInitializer(fresh.Migrator, fresh.Partitions, new FixedClock(new DateTimeOffset(2026, 11, 21, 9, 30, 0, TimeSpan.Zero)),
            NullLogger<StorageInitializer>.Instance);

        await initializer.InitializeAsync(CancellationToken.None);
        await initializer.InitializeAsync(CancellationToken.None);

        Assert.Equal(["p20261120", "p20261121", "p20261122", "p20261123", "p20261124", "pmax"],
            (await fresh.Partitions.ListAsync(CancellationToken.None)).Select(p => p.Name));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
