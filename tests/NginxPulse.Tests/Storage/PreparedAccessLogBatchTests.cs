using NginxPulse.Functions.Kafka;
using NginxPulse.Functions.Storage;
using NginxPulse.Tests.Support;
using Xunit;

namespace NginxPulse.Tests.Storage;

/// <summary>
/// The store split in two as the standalone trigger uses it: batch N+1 prepared (file, increments, clients) while N is
/// stored. Every result must equal storing the batches one after the other, unprepared.
/// </summary>
public sealed class PreparedAccessLogBatchTests : IAsyncLifetime
{
    private const string Group = "nginxpulse-ingest";
    private static readonly DateTime Start = new(2026, 11, 21, 14, 0, 0, DateTimeKind.Utc);
    private readonly AccessRecordBuilder _builder = new(Start, minutes: 6);
    private TestDatabase _db = null!;
    private AccessLogStore _store = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _store = _db.NewStore();
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    /// <summary>Four batches of one partition; the clients of one batch recur in the next, and one batch re-ships lines.</summary>
    private List<List<IngestItem>> Batches()
    {
        var batches = new List<List<IngestItem>>();
        long offset = 0;
        foreach (var (first, count) in new[] { (0, 300), (300, 300), (450, 300), (750, 300) })
        {
            batches.Add(AccessRecordBuilder.Items(_builder.Build(first, count), offset));
            offset += count;
        }
        return batches;
    }

    [Fact]
    public async Task Batches_prepared_while_the_one_before_is_stored_end_up_exactly_as_stored_one_after_the_other()
    {
        await using var sequential = await TestDatabase.CreateAsync();
        var sequentialStore = sequential.NewStore();
        var expected = new List<StoreOutcome>();
        foreach (var batch in Batches()) expected.Add(await sequentialStore.StoreAsync(Group, batch, CancellationToken.None));

        var batches = Batches();
        var outcomes = new StoreOutcome[batches.Count];
        (InFlightBatch Flight, PreparedAccessLogBatch Batch)? storing = null;
        for (var i = 0; i < batches.Count; i++)
        {
            var next = await _store.PrepareAsync(Group, batches[i], CancellationToken.None);
            if (storing is { } previous)
                using (previous.Batch) await previous.Flight.Completion;
            var index = i;
            storing = (InFlightBatch.Start(async ct => outcomes[index] = await _store.StoreAsync(next, ct), CancellationToken.None), next);
        }
        using (storing!.Value.Batch) await storing.Value.Flight.Completion;

        Assert.Equal(expected, outcomes);
        Assert.Contains(outcomes, o => o.RollupsRecomputed);
        Assert.Equal(await sequential.SnapshotAsync(), await _db.SnapshotAsync());
        Assert.Equal(
            await sequentialStore.GetNextOffsetsAsync(Group, "nginx-access", CancellationToken.None),
            await _store.GetNextOffsetsAsync(Group, "nginx-access", CancellationToken.None));
        Assert.Empty(await _db.VerifyRollupsAsync());
        await AssertClientSetsMatchRawRowsAsync();
    }

    [Fact]
    public async Task A_prepared_batch_whose_offsets_another_consumer_stored_meanwhile_is_a_no_op()
    {
        var items = AccessRecordBuilder.Items(_builder.Build(0, 400), firstOffset: 0);
        using var prepared = await _store.PrepareAsync(Group, items, CancellationToken.None);
        // The partition moved to another replica, which stored the batch before this one got to it.
        await _db.NewStore().StoreAsync(Group, items, CancellationToken.None);
        var before = await _db.SnapshotAsync();

        var outcome = await _store.StoreAsync(prepared, CancellationToken.None);

        Assert.Equal(new StoreOutcome(400, 0, 0, 0, false), outcome);
        Assert.Equal(before, await _db.SnapshotAsync());
        Assert.Equal(400, (await _store.GetNextOffsetsAsync(Group, "nginx-access", CancellationToken.None))[0]);
    }

    [Fact]
    public async Task A_prepared_batch_partly_stored_meanwhile_stores_only_the_rest_with_exact_rollups()
    {
        using var prepared = await _store.PrepareAsync(Group, AccessRecordBuilder.Items(_builder.Build(0, 400), firstOffset: 0), CancellationToken.None);
        await _db.NewStore().StoreAsync(Group, AccessRecordBuilder.Items(_builder.Build(0, 150), firstOffset: 0), CancellationToken.None);

        var outcome = await _store.StoreAsync(prepared, CancellationToken.None);

        Assert.Equal(new StoreOutcome(150, 250, 0, 0, false), outcome);
        Assert.Equal(400, await _db.ScalarAsync("SELECT COUNT(*) FROM access_log"));
        Assert.Equal(400, await _db.ScalarAsync("SELECT SUM(requests) FROM rollup_minute"));
        Assert.Empty(await _db.VerifyRollupsAsync());
        await AssertClientSetsMatchRawRowsAsync();
    }

    [Fact]
    public async Task Clients_of_a_batch_prepared_before_the_one_ahead_failed_and_was_retried_are_all_written()
    {
        var batches = Batches();
        using var first = await _store.PrepareAsync(Group, batches[0], CancellationToken.None);
        using var second = await _store.PrepareAsync(Group, batches[1], CancellationToken.None);
        // The first batch fails at its site-wide client upsert, the last statement before the offsets: it rolls back.
        await _db.ExecuteAsync("RENAME TABLE hourly_site_clients TO hourly_site_clients_away");
        await Assert.ThrowsAnyAsync<MySql.Data.MySqlClient.MySqlException>(() => _store.StoreAsync(first, CancellationToken.None));
        await _db.ExecuteAsync("RENAME TABLE hourly_site_clients_away TO hourly_site_clients");
        Assert.Equal(0, await _db.ScalarAsync("SELECT COUNT(*) FROM access_log"));

        await _store.StoreAsync(first, CancellationToken.None);
        // Collected before the first batch committed; the clients it shares with it are written twice, harmlessly.
        await _store.StoreAsync(second, CancellationToken.None);
        // Collected after both committed: only clients this process has not committed yet.
        await _store.StoreAsync(Group, batches[2], CancellationToken.None);

        Assert.Equal(750, await _db.ScalarAsync("SELECT COUNT(*) FROM access_log"));
        Assert.Empty(await _db.VerifyRollupsAsync());
        await AssertClientSetsMatchRawRowsAsync();
    }

    [Fact]
    public async Task A_prepared_file_outlives_a_failed_store_for_the_retry_and_is_deleted_on_dispose()
    {
        var prepared = await _store.PrepareAsync(Group, AccessRecordBuilder.Items(_builder.Build(0, 200), firstOffset: 0), CancellationToken.None);
        var file = prepared.RowsFile!;
        Assert.True(File.Exists(file));
        await _db.ExecuteAsync("RENAME TABLE hourly_site_clients TO hourly_site_clients_away");
        await Assert.ThrowsAnyAsync<MySql.Data.MySqlClient.MySqlException>(() => _store.StoreAsync(prepared, CancellationToken.None));
        await _db.ExecuteAsync("RENAME TABLE hourly_site_clients_away TO hourly_site_clients");
        Assert.True(File.Exists(file));

        await _store.StoreAsync(prepared, CancellationToken.None);
        prepared.Dispose();
        prepared.Dispose();

        Assert.False(File.Exists(file));
        Assert.Equal(200, await _db.ScalarAsync("SELECT COUNT(*) FROM access_log"));
    }

    [Fact]
    public async Task A_batch_of_dead_letters_only_is_prepared_without_a_file()
    {
        var deadLetter = new DeadLetter { Id = new byte[16], Reason = "unparsable", Raw = "garbage", ReceivedUtc = Start };
        using var prepared = await _store.PrepareAsync(Group, [new IngestItem(new KafkaPosition("nginx-access", 0, 7), null, deadLetter)], CancellationToken.None);

        Assert.Null(prepared.RowsFile);
        Assert.Equal(new StoreOutcome(0, 0, 0, 1, false), await _store.StoreAsync(prepared, CancellationToken.None));
    }

    private async Task AssertClientSetsMatchRawRowsAsync()
    {
        var client = ClientHash.Sql("COALESCE(client_ip, remote_addr)");
        Assert.Equal(
            await _db.ScalarAsync($"SELECT COUNT(*) FROM (SELECT DISTINCT DATE_FORMAT(time_utc, '%Y-%m-%d %H'), vhost, host, {client} FROM access_log) c"),
            await _db.ScalarAsync("SELECT COUNT(*) FROM hourly_clients"));
        Assert.Equal(
            await _db.ScalarAsync($"SELECT COUNT(*) FROM (SELECT DISTINCT DATE_FORMAT(time_utc, '%Y-%m-%d %H'), {client} FROM access_log) c"),
            await _db.ScalarAsync("SELECT COUNT(*) FROM hourly_site_clients"));
    }
}
