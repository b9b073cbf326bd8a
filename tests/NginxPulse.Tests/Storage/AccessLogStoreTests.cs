using MySql.Data.MySqlClient;
using NginxPulse.Functions.Kafka;
using NginxPulse.Functions.Parsing;
using NginxPulse.Functions.Storage;
using NginxPulse.Tests.Support;
using Xunit;

namespace NginxPulse.Tests.Storage;

public sealed class AccessLogStoreTests : IAsyncLifetime
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

    [Fact]
    public async Task A_new_batch_is_stored_with_exact_rollups_and_next_offsets()
    {
        var items = AccessRecordBuilder.Items(_builder.Build(0, 500), firstOffset: 100);

        var outcome = await _store.StoreAsync(Group, items, CancellationToken.None);

        Assert.Equal(new StoreOutcome(0, 500, 0, 0, false), outcome);
        Assert.Equal(500, await _db.ScalarAsync("SELECT COUNT(*) FROM access_log"));
        Assert.Equal(500, await _db.ScalarAsync("SELECT SUM(requests) FROM rollup_minute"));
        Assert.True(await _db.ScalarAsync("SELECT COUNT(DISTINCT minute_utc) FROM rollup_minute") >= 5);
        Assert.Empty(await _db.VerifyRollupsAsync());
        Assert.Equal(new Dictionary<int, long> { [0] = 600 }, await _store.GetNextOffsetsAsync(Group, "nginx-access", CancellationToken.None));
    }

    [Fact]
    public async Task After_a_topic_is_recreated_forgotten_offsets_let_new_messages_at_low_offsets_in_and_record_ids_keep_repeats_out()
    {
        await _store.StoreAsync(Group, AccessRecordBuilder.Items(_builder.Build(0, 300), firstOffset: 0), CancellationToken.None);

        await _store.ForgetNextOffsetsAsync(Group, "nginx-access", [0], CancellationToken.None);
        // The recreated topic carries the same 300 lines again (a re-shipment) and 100 new ones from offset 0.
        var outcome = await _store.StoreAsync(Group, AccessRecordBuilder.Items(_builder.Build(0, 400), firstOffset: 0), CancellationToken.None);

        Assert.Equal((100, 300), (outcome.RecordsInserted, outcome.RecordsDuplicate));
        Assert.Equal(400, await _db.ScalarAsync("SELECT COUNT(*) FROM access_log"));
        Assert.Empty(await _db.VerifyRollupsAsync());
        Assert.Equal(400, (await _store.GetNextOffsetsAsync(Group, "nginx-access", CancellationToken.None))[0]);
    }

    [Fact]
    public async Task Clients_of_a_batch_that_rolled_back_are_written_when_it_is_retried()
    {
        var items = AccessRecordBuilder.Items(_builder.Build(0, 300), firstOffset: 0);
        // The batch fails at its site-wide client upsert, the last statement before the offsets (the table is away), so
        // the whole transaction rolls back.
        await _db.ExecuteAsync("RENAME TABLE hourly_site_clients TO hourly_site_clients_away");
        await Assert.ThrowsAnyAsync<MySql.Data.MySqlClient.MySqlException>(() => _store.StoreAsync(Group, items, CancellationToken.None));
        await _db.ExecuteAsync("RENAME TABLE hourly_site_clients_away TO hourly_site_clients");
        Assert.Equal(0, await _db.ScalarAsync("SELECT COUNT(*) FROM access_log"));
        Assert.Equal(0, await _db.ScalarAsync("SELECT COUNT(*) FROM hourly_clients"));

        await _store.StoreAsync(Group, items, CancellationToken.None);

        await AssertClientSetsMatchRawRowsAsync();
    }

    [Fact]
    public async Task The_same_batch_stored_twice_is_a_no_op_the_second_time()
    {
        var items = AccessRecordBuilder.Items(_builder.Build(0, 400), firstOffset: 0);
        await _store.StoreAsync(Group, items, CancellationToken.None);
        var before = await _db.SnapshotAsync();

        var again = await _store.StoreAsync(Group, items, CancellationToken.None);

        Assert.Equal(new StoreOutcome(400, 0, 0, 0, false), again);
        Assert.Equal(before, await _db.SnapshotAsync());
        Assert.Empty(await _db.VerifyRollupsAsync());
    }

    [Fact]
    public async Task Lines_reshipped_with_new_offsets_add_no_rows_and_leave_rollups_unchanged()
    {
        var records = _builder.Build(0, 300);
        await _store.StoreAsync(Group, AccessRecordBuilder.Items(records, firstOffset: 0), CancellationToken.None);
        var before = await _db.SnapshotAsync();

        // A restarted shipper sends the same lines again; Kafka gives them new offsets.
        var outcome = await _store.StoreAsync(Group, AccessRecordBuilder.Items(_builder.Build(0, 300), firstOffset: 300), CancellationToken.None);

        Assert.Equal(new StoreOutcome(0, 0, 300, 0, false), outcome);
        Assert.Equal(before, await _db.SnapshotAsync());
        Assert.Empty(await _db.VerifyRollupsAsync());
        Assert.Equal(600, (await _store.GetNextOffsetsAsync(Group, "nginx-access", CancellationToken.None))[0]);
    }

    [Fact]
    public async Task A_batch_mixing_new_and_repeated_lines_recomputes_the_touched_minutes_exactly()
    {
        await _store.StoreAsync(Group, AccessRecordBuilder.Items(_builder.Build(0, 300), firstOffset: 0), CancellationToken.None);
        var expectedRollupRequests = 500;

        // Lines 200..499: 100 repeats and 200 new ones, at new offsets.
        var outcome = await _store.StoreAsync(Group, AccessRecordBuilder.Items(_builder.Build(200, 300), firstOffset: 300), CancellationToken.None);

        Assert.Equal(new StoreOutcome(0, 200, 100, 0, true), outcome);
        Assert.Equal(500, await _db.ScalarAsync("SELECT COUNT(*) FROM access_log"));
        Assert.Equal(expectedRollupRequests, await _db.ScalarAsync("SELECT SUM(requests) FROM rollup_minute"));
        Assert.Equal(await _db.ScalarAsync("SELECT COUNT(request_time_ms) FROM access_log"), (await _db.HistogramAsync("rollup_histogram_minute")).Total);
        Assert.Empty(await _db.VerifyRollupsAsync());
    }

    [Fact]
    public async Task A_batch_with_a_line_twice_counts_it_once()
    {
        var records = _builder.Build(0, 50);
        records.Add(_builder.Build(7));

        var outcome = await _store.StoreAsync(Group, AccessRecordBuilder.Items(records, firstOffset: 0), CancellationToken.None);

        Assert.Equal(new StoreOutcome(0, 50, 1, 0, true), outcome);
        Assert.Equal(50, await _db.ScalarAsync("SELECT SUM(requests) FROM rollup_minute"));
        Assert.Empty(await _db.VerifyRollupsAsync());
    }

    [Fact]
    public async Task A_partly_redelivered_batch_stores_only_the_offsets_beyond_the_stored_ones()
    {
        await _store.StoreAsync(Group, AccessRecordBuilder.Items(_builder.Build(0, 100), firstOffset: 0), CancellationToken.None);

        // The consumer crashed after storing but before committing to Kafka, and the next fetch overlaps.
        var outcome = await _store.StoreAsync(Group, AccessRecordBuilder.Items(_builder.Build(50, 100), firstOffset: 50), CancellationToken.None);

        Assert.Equal(new StoreOutcome(50, 50, 0, 0, false), outcome);
        Assert.Equal(150, await _db.ScalarAsync("SELECT SUM(requests) FROM rollup_minute"));
        Assert.Empty(await _db.VerifyRollupsAsync());
    }

    [Fact]
    public async Task Offsets_are_kept_per_consumer_group_topic_and_partition()
    {
        var records = _builder.Build(0, 30);
        var items = records.Select((r, i) => new IngestItem(new KafkaPosition(i % 2 == 0 ? "nginx-access" : "other", i % 3, 1000 + i), r, null)).ToList();

        await _store.StoreAsync(Group, items, CancellationToken.None);

        var offsets = await _store.GetNextOffsetsAsync(Group, "nginx-access", CancellationToken.None);
        var expected = items.Where(i => i.Position.Topic == "nginx-access").GroupBy(i => i.Position.Partition)
            .ToDictionary(g => g.Key, g => g.Max(i => i.Position.Offset) + 1);
        Assert.Equal(expected, offsets);
        Assert.Empty(await _store.GetNextOffsetsAsync("another-group", "nginx-access", CancellationToken.None));
        // Another group has its own offsets: the same batch is stored (as duplicates) rather than skipped.
        Assert.Equal(0, (await _store.StoreAsync("another-group", items, CancellationToken.None)).AlreadyStored);
    }

    [Fact]
    public async Task Dead_letters_are_stored_once_with_their_coordinates()
    {
        var received = new DateTime(2026, 11, 21, 14, 3, 0, 123, DateTimeKind.Utc);
        var items = Enumerable.Range(0, 5).Select(i => new IngestItem(new KafkaPosition("nginx-access", 1, i), null,
            new DeadLetter
            {
                Id = RecordId.FromSource("web-01", "inode:9", i * 100), Reason = "line does not match log_format combined",
                Raw = $"garbage line {i} \\x16\\x03\\x01", Host = "web-01", SourceFile = "/var/log/nginx/access.log", SourceOffset = i * 100,
                Position = new KafkaPosition("nginx-access", 1, i), ReceivedUtc = received,
            })).ToList();
        items.Add(new IngestItem(new KafkaPosition("nginx-access", 1, 5), _builder.Build(0), null));

        var first = await _store.StoreAsync(Group, items, CancellationToken.None);
        // Re-shipped bad lines get new offsets but keep their ids.
        var reshipped = items.Take(5).Select((i, n) => i with { Position = new KafkaPosition("nginx-access", 1, 10 + n) }).ToList();
        var second = await _store.StoreAsync(Group, reshipped, CancellationToken.None);
        var third = await _store.StoreAsync(Group, reshipped, CancellationToken.None);

        Assert.Equal(new StoreOutcome(0, 1, 0, 5, false), first);
        Assert.Equal(new StoreOutcome(0, 0, 0, 0, false), second);
        Assert.Equal(5, third.AlreadyStored);
        Assert.Equal(5, await _db.ScalarAsync("SELECT COUNT(*) FROM dead_letter"));
        Assert.Equal(1, await _db.ScalarAsync(
            "SELECT COUNT(*) FROM dead_letter WHERE raw = 'garbage line 3 \\\\x16\\\\x03\\\\x01' AND source_offset = 300 AND kafka_topic = 'nginx-access' AND kafka_partition = 1 AND kafka_offset = 3 AND received_utc = '2026-11-21 14:03:00.123' AND raw_truncated = 0"));
        Assert.Empty(await _db.VerifyRollupsAsync());
    }

    [Fact]
    public async Task Fields_longer_than_their_columns_are_capped_and_flagged()
    {
        var record = _builder.Build(1);
        record.Path = "/" + new string('a', 5000);
        record.UserAgent = new string('b', 1023) + "😀";   // the emoji would be split at the 1024 limit
        record.Vhost = new string('v', 300);
        var fits = _builder.Build(2);
        var longDead = new DeadLetter
        {
            Id = RecordId.FromSource("web-01", "inode:9", 1), Reason = new string('r', 600), Raw = new string('x', DeadLetterWriter.RawLimit + 10),
            ReceivedUtc = Start,
        };
        var items = new List<IngestItem>
        {
            new(new KafkaPosition("nginx-access", 0, 0), record, null),
            new(new KafkaPosition("nginx-access", 0, 1), fits, null),
            new(new KafkaPosition("nginx-access", 0, 2), null, longDead),
        };

        var outcome = await _store.StoreAsync(Group, items, CancellationToken.None);

        Assert.Equal(2, outcome.RecordsInserted);
        Assert.Equal(1, outcome.DeadLettersInserted);
        var truncated = (int)RecordFlags.FieldTruncated;
        Assert.Equal(1, await _db.ScalarAsync(
            $"SELECT COUNT(*) FROM access_log WHERE CHAR_LENGTH(path) = 2048 AND CHAR_LENGTH(user_agent) = 1023 AND CHAR_LENGTH(vhost) = 255 AND flags & {truncated} <> 0"));
        Assert.Equal(1, await _db.ScalarAsync($"SELECT COUNT(*) FROM access_log WHERE flags & {truncated} = 0"));
        Assert.Equal(1, await _db.ScalarAsync($"SELECT COUNT(*) FROM dead_letter WHERE raw_truncated = 1 AND CHAR_LENGTH(raw) = {DeadLetterWriter.RawLimit} AND CHAR_LENGTH(reason) = 512"));
        // The caller's record is not modified: a retried batch is capped again from the original.
        Assert.Equal(5001, record.Path.Length);
        Assert.Empty(await _db.VerifyRollupsAsync());
    }

    [Fact]
    public async Task Text_and_ids_holding_load_data_separators_escapes_nul_and_emoji_are_stored_byte_for_byte()
    {
        var record = _builder.Build(3);
        // Every byte LOAD DATA treats specially, inside the id as well as the text.
        record.Id = [0, 9, 10, 13, 92, 78, 0x27, 0x22, 0xFF, 1, 2, 3, 4, 5, 6, 7];
        record.Path = "/tab\there/nl\nhere/cr\rhere/backslash\\here/nul\0here";
        record.Query = "\\N";          // the text \N, not LOAD DATA's NULL
        record.UserAgent = "ünïcödé 😀 \u2028";
        record.Referer = "";
        var items = AccessRecordBuilder.Items([record, _builder.Build(4)], firstOffset: 0);

        var outcome = await _store.StoreAsync(Group, items, CancellationToken.None);

        Assert.Equal(2, outcome.RecordsInserted);
        await using var connection = await _db.Connections.OpenAsync(CancellationToken.None);
        await using var cmd = new MySqlCommand("SELECT id, path, query, user_agent, referer FROM access_log WHERE id = @id", connection);
        cmd.Parameters.AddWithValue("@id", record.Id);
        await using var reader = await cmd.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(record.Id, (byte[])reader.GetValue(0));
        Assert.Equal(record.Path, reader.GetString(1));
        Assert.Equal(record.Query, reader.GetString(2));
        Assert.Equal(record.UserAgent, reader.GetString(3));
        Assert.Equal("", reader.GetString(4));
    }

    [Fact]
    public async Task A_batch_touching_more_rollup_keys_than_one_statement_holds_stays_exact_when_redelivered_and_reshipped()
    {
        // 6000 lines over 150 minutes, 4 vhosts and 2 hosts: over a thousand keys, several upsert statements per table.
        var builder = new AccessRecordBuilder(Start, minutes: 150, seed: 3);
        var items = AccessRecordBuilder.Items(builder.Build(0, 6000), firstOffset: 0);

        var first = await _store.StoreAsync(Group, items, CancellationToken.None);
        Assert.True(await _db.ScalarAsync("SELECT COUNT(*) FROM rollup_histogram_minute") > 1000);
        Assert.Empty(await _db.VerifyRollupsAsync());
        var stored = await _db.SnapshotAsync();

        var redelivered = await _store.StoreAsync(Group, items, CancellationToken.None);
        var reshipped = await _store.StoreAsync(Group, AccessRecordBuilder.Items(builder.Build(0, 6000), firstOffset: 6000), CancellationToken.None);
        Assert.Equal(stored, await _db.SnapshotAsync());
        var mixed = await _store.StoreAsync(Group, AccessRecordBuilder.Items(builder.Build(3000, 6000), firstOffset: 12_000), CancellationToken.None);

        Assert.Equal(new StoreOutcome(0, 6000, 0, 0, false), first);
        Assert.Equal(new StoreOutcome(6000, 0, 0, 0, false), redelivered);
        Assert.Equal(new StoreOutcome(0, 0, 6000, 0, false), reshipped);
        Assert.Equal(new StoreOutcome(0, 3000, 3000, 0, true), mixed);
        Assert.Equal(9000, await _db.ScalarAsync("SELECT SUM(requests) FROM rollup_minute"));
        Assert.Empty(await _db.VerifyRollupsAsync());
    }

    [Fact]
    public async Task Two_concurrent_consumers_writing_the_same_minutes_keep_rollups_exact()
    {
        // Two consumers of one group own different partitions; their lines fall into the same minutes and vhosts.
        // Repeats are mixed in so that both the increment and the recompute paths race each other.
        var storeA = _db.NewStore();
        var storeB = _db.NewStore();
        var a = new AccessRecordBuilder(Start, minutes: 3, seed: 1, hosts: "web-01");
        var b = new AccessRecordBuilder(Start, minutes: 3, seed: 2, hosts: "web-02");

        async Task Consume(AccessRecordBuilder builder, AccessLogStore store, int partition)
        {
            long offset = 0;
            for (var batch = 0; batch < 12; batch++)
            {
                // Every third batch re-ships the last 50 lines of the previous one along with 150 new ones.
                var first = batch * 200 - (batch % 3 == 2 ? 50 : 0);
                var records = builder.Build(first, batch % 3 == 2 ? 250 : 200);
                var items = AccessRecordBuilder.Items(records, offset, partition);
                offset += items.Count;
                await store.StoreAsync(Group, items, CancellationToken.None);
            }
        }

        await Task.WhenAll(Task.Run(() => Consume(a, storeA, 0)), Task.Run(() => Consume(b, storeB, 1)));

        Assert.Equal(2 * 12 * 200, await _db.ScalarAsync("SELECT COUNT(*) FROM access_log"));
        Assert.Equal(2 * 12 * 200, await _db.ScalarAsync("SELECT SUM(requests) FROM rollup_minute"));
        Assert.Empty(await _db.VerifyRollupsAsync());
    }

    [Fact]
    public async Task Vhosts_differing_only_in_trailing_spaces_share_one_histogram_row_as_they_share_one_key()
    {
        // utf8mb4_bin pads with spaces: "v" and "v " are the same primary key, in one batch and across batches.
        var records = _builder.Build(0, 3);
        foreach (var (r, i) in records.Select((r, i) => (r, i)))
        {
            r.TimeUtc = Start.AddSeconds(i); r.Vhost = i == 1 ? "v " : "v"; r.Host = "h"; r.RequestTimeMs = 10 * (i + 1);
        }
        await _store.StoreAsync(Group, AccessRecordBuilder.Items(records.Take(2).ToList(), 0), CancellationToken.None);
        await _store.StoreAsync(Group, AccessRecordBuilder.Items(records.Skip(2).ToList(), 2), CancellationToken.None);

        Assert.Equal(1, await _db.ScalarAsync("SELECT COUNT(*) FROM rollup_histogram_minute"));
        Assert.Equal($"{LatencyHistogram.Bucket(10)}:1 {LatencyHistogram.Bucket(20)}:1 {LatencyHistogram.Bucket(30)}:1",
            (await _db.HistogramAsync("rollup_histogram_minute")).ToString());
        Assert.Equal(3, (await _db.HistogramAsync("rollup_histogram_minute_by_hour")).Total);
    }

    [Fact]
    public async Task Rollups_count_status_classes_bots_bytes_and_latency_as_defined()
    {
        var r1 = _builder.Build(0); r1.TimeUtc = Start.AddSeconds(1); r1.Status = 200; r1.BytesSent = 1000; r1.BodyBytes = 900; r1.RequestTimeMs = 10; r1.Flags = RecordFlags.None; r1.Vhost = "v"; r1.Host = "h";
        var r2 = _builder.Build(1); r2.TimeUtc = Start.AddSeconds(59.999); r2.Status = 503; r2.BytesSent = null; r2.BodyBytes = 50; r2.RequestTimeMs = 1500; r2.Flags = RecordFlags.Bot; r2.Vhost = "v"; r2.Host = "h";
        var r3 = _builder.Build(2); r3.TimeUtc = Start.AddSeconds(30); r3.Status = 0; r3.BytesSent = 7; r3.RequestTimeMs = null; r3.Flags = RecordFlags.None; r3.Vhost = "v"; r3.Host = "h";

        await _store.StoreAsync(Group, AccessRecordBuilder.Items([r1, r2, r3], 0), CancellationToken.None);

        Assert.Equal(1, await _db.ScalarAsync(
            "SELECT COUNT(*) FROM rollup_minute WHERE minute_utc = '2026-11-21 14:00:00' AND vhost = 'v' AND host = 'h' AND requests = 3 AND bytes = 1057 " +
            "AND status_2xx = 1 AND status_5xx = 1 AND status_other = 1 AND status_1xx + status_3xx + status_4xx = 0 AND bot_requests = 1 AND latency_count = 2 AND latency_sum_ms = 1510"));
        Assert.Equal($"{LatencyHistogram.Bucket(10)}:1 {LatencyHistogram.Bucket(1500)}:1",
            (await _db.HistogramAsync("rollup_histogram_minute", "minute_utc = '2026-11-21 14:00:00' AND vhost = 'v' AND host = 'h'")).ToString());
        Assert.Empty(await _db.VerifyRollupsAsync());
    }

    [Fact]
    public async Task The_sql_latency_bucket_matches_the_csharp_one()
    {
        var values = Enumerable.Range(0, 70).Concat(Enumerable.Range(0, 31).SelectMany(e => new[] { (1 << e) - 1, 1 << e, (1 << e) + 1, 3 << Math.Max(0, e - 2) }))
            .Concat([int.MaxValue, -5, 12345, 99999, 1_000_000]).Where(v => v >= -5).Distinct().ToList();
        await using var connection = await _db.Connections.OpenAsync(CancellationToken.None);
        foreach (var v in values)
        {
            await using var cmd = new MySqlCommand($"SELECT {LatencyHistogram.SqlBucketExpression("@v")}", connection);
            cmd.Parameters.AddWithValue("@v", v);
            Assert.Equal(LatencyHistogram.Bucket(v), Convert.ToInt32(await cmd.ExecuteScalarAsync()));
        }
    }

    // The store split in two as the standalone trigger uses it: batch N+1 prepared (file, increments, clients) while N
    // is stored. Every result must equal storing the batches one after the other, unprepared.

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
    public async Task A_prepared_batch_whose_file_is_gone_fails_naming_the_file_instead_of_waiting_for_its_data()
    {
        using var prepared = await _store.PrepareAsync(Group, AccessRecordBuilder.Items(_builder.Build(0, 200), firstOffset: 0), CancellationToken.None);
        File.Delete(prepared.RowsFile!);

        // MySql.Data's waits are synchronous: run the store on its own thread so a wait cannot stall the test's.
        var store = Task.Run(() => _store.StoreAsync(prepared, CancellationToken.None));

        var error = await Assert.ThrowsAsync<FileNotFoundException>(() => store.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains(prepared.RowsFile!, error.Message);
        Assert.Equal(0, await _db.ScalarAsync("SELECT COUNT(*) FROM access_log"));
        Assert.Empty(await _store.GetNextOffsetsAsync(Group, "nginx-access", CancellationToken.None));
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
        var byHost = await _db.ScalarAsync($"SELECT COUNT(*) FROM (SELECT DISTINCT DATE_FORMAT(time_utc, '%Y-%m-%d %H'), vhost, host, {client} FROM access_log) c");
        var site = await _db.ScalarAsync($"SELECT COUNT(*) FROM (SELECT DISTINCT DATE_FORMAT(time_utc, '%Y-%m-%d %H'), {client} FROM access_log) c");
        Assert.True(byHost > site && site > 0);
        Assert.Equal(byHost, await _db.ScalarAsync("SELECT COUNT(*) FROM hourly_clients"));
        Assert.Equal(site, await _db.ScalarAsync("SELECT COUNT(*) FROM hourly_site_clients"));
    }
}
