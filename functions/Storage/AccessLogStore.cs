using System.Data;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MySql.Data.MySqlClient;
using TopicPartition = NginxPulse.Functions.Storage.KafkaOffsetLedger.TopicPartition;

namespace NginxPulse.Functions.Storage;

/// <summary>
/// Exactly-once storage of a Kafka batch in ONE transaction: lock the partitions' stored offsets and skip what is
/// below them (redelivery), insert records and dead letters idempotently (re-shipped lines), keep the rollups exact,
/// advance the offsets, commit. The client-side work (normalising, the LOAD DATA file, rollup increments, new clients)
/// is done beforehand by <see cref="PrepareAsync"/>, so it can overlap the storing of the batch before.
/// </summary>
public sealed class AccessLogStore : IAccessLogStore
{
    private readonly MySqlConnectionFactory _connections;
    private readonly ILogger<AccessLogStore> _logger;
    private readonly TransientRetry _retry;
    private readonly KafkaOffsetLedger _offsets = new();
    private readonly DeadLetterWriter _deadLetters = new();
    private readonly RollupWriter _rollups = new();
    private readonly VisitorWriter _visitors = new();

    public AccessLogStore(MySqlConnectionFactory connections, IOptions<StorageOptions> options, ILogger<AccessLogStore> logger)
    {
        _connections = connections;
        _logger = logger;
        _retry = new TransientRetry(options.Value.MaxTransientRetries, options.Value.RetryBaseDelay, logger);
    }

    public async Task<StoreOutcome> StoreAsync(string consumerGroup, IReadOnlyList<IngestItem> items, CancellationToken ct)
    {
        using var batch = await PrepareAsync(consumerGroup, items, ct);
        return await StoreAsync(batch, ct);
    }

    public Task<PreparedAccessLogBatch> PrepareAsync(string consumerGroup, IReadOnlyList<IngestItem> items, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumerGroup);
        var normalized = new List<IngestItem>(items.Count);
        foreach (var item in items)
        {
            if (item.Record is { } r && r.Id.Length != 16)
                throw new ArgumentException($"The record at {item.Position} has a {r.Id.Length}-byte id; ids are 16 bytes (RecordId).", nameof(items));
            if (item.DeadLetter is { } d && d.Id.Length != 16)
                throw new ArgumentException($"The dead letter at {item.Position} has a {d.Id.Length}-byte id; ids are 16 bytes.", nameof(items));
            // Most records are within limits and come back as they are; only a changed one needs a new item.
            var record = item.Record is null ? null : AccessRecordLimits.Normalize(item.Record);
            normalized.Add(ReferenceEquals(record, item.Record) ? item : item with { Record = record });
        }
        return PrepareNormalizedAsync(consumerGroup, normalized, ct);
    }

    public async Task<StoreOutcome> StoreAsync(PreparedAccessLogBatch batch, CancellationToken ct)
    {
        if (batch.Items.Count == 0) return new StoreOutcome(0, 0, 0, 0, false);
        StoreOutcome outcome;
        try
        {
            outcome = await _retry.RunAsync(token => StoreOnceAsync(batch, token), "Storing a Kafka batch", ct);
        }
        catch (MySqlException e) when (!TransientRetry.IsTransient(e))
        {
            // The transaction was rolled back (or died with the server); the trigger redelivers the batch. Make
            // sure that redelivery gets a fresh connection rather than another dead one from the pool.
            _logger.LogError(e, "Storing a batch of {Messages} messages for {ConsumerGroup} failed; it will be redelivered", batch.Items.Count, batch.ConsumerGroup);
            _connections.ClearPool();
            throw;
        }
        var level = outcome.AlreadyStored > 0 || outcome.RecordsDuplicate > 0 ? LogLevel.Information : LogLevel.Debug;
        _logger.Log(level,
            "Stored batch of {Messages} messages for {ConsumerGroup}: {Inserted} records new, {Duplicates} duplicate, {DeadLetters} dead letters, {AlreadyStored} already stored, rollups recomputed {Recomputed}",
            batch.Items.Count, batch.ConsumerGroup, outcome.RecordsInserted, outcome.RecordsDuplicate, outcome.DeadLettersInserted,
            outcome.AlreadyStored, outcome.RollupsRecomputed);
        return outcome;
    }

    public async Task<IReadOnlyDictionary<int, long>> GetNextOffsetsAsync(string consumerGroup, string topic, CancellationToken ct)
    {
        await using var connection = await _connections.OpenAsync(ct);
        return await _offsets.ReadAsync(connection, consumerGroup, topic, ct);
    }

    public async Task ForgetNextOffsetsAsync(string consumerGroup, string topic, IReadOnlyCollection<int> partitions, CancellationToken ct)
    {
        await using var connection = await _connections.OpenAsync(ct);
        await _offsets.DeleteAsync(connection, consumerGroup, topic, partitions, ct);
    }

    /// <summary>Everything of a batch that needs no database, for items already checked and normalised.</summary>
    private async Task<PreparedAccessLogBatch> PrepareNormalizedAsync(string group, IReadOnlyList<IngestItem> items, CancellationToken ct)
    {
        var records = items.Where(i => i.Record is not null).Select(i => i.Record!).ToList();
        var file = records.Count == 0 ? null : await AccessLogLoadDataWriter.WriteTempFileAsync(records, ct);
        return new PreparedAccessLogBatch(group, items, records, file, RollupDelta.From(records), _visitors.Collect(records));
    }

    private async Task<StoreOutcome> StoreOnceAsync(PreparedAccessLogBatch batch, CancellationToken ct)
    {
        await using var connection = await _connections.OpenAsync(ct);
        // REPEATABLE READ is what makes the rollup recomputation's locking reads and gap locks exact (see RollupWriter).
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);

        // Sorted so that two batches over the same partitions lock them in the same order.
        var items = batch.Items;
        var partitions = items.Select(i => new TopicPartition(i.Position.Topic, i.Position.Partition)).Distinct()
            .OrderBy(tp => tp.Topic, StringComparer.Ordinal).ThenBy(tp => tp.Partition).ToList();
        var stored = await _offsets.LockAsync(connection, transaction, batch.ConsumerGroup, partitions, ct);
        var fresh = items.Where(i => i.Position.Offset >= stored[new TopicPartition(i.Position.Topic, i.Position.Partition)]).ToList();
        var alreadyStored = items.Count - fresh.Count;
        if (fresh.Count == 0)
        {
            await transaction.CommitAsync(ct);
            return new StoreOutcome(alreadyStored, 0, 0, 0, false);
        }
        if (alreadyStored == 0) return await StoreFreshAsync(connection, transaction, batch, 0, ct);
        // Partly stored meanwhile (a redelivery overlapping what another consumer stored): the prepared file and
        // increments cover messages that must not count again, so the rest is prepared anew. Rare, so not overlapped.
        using var rest = await PrepareNormalizedAsync(batch.ConsumerGroup, fresh, ct);
        return await StoreFreshAsync(connection, transaction, rest, alreadyStored, ct);
    }

    /// <summary>Stores a batch none of whose offsets are stored, in the transaction that holds their offsets' locks.</summary>
    private async Task<StoreOutcome> StoreFreshAsync(MySqlConnection connection, MySqlTransaction transaction, PreparedAccessLogBatch batch,
        int alreadyStored, CancellationToken ct)
    {
        var records = batch.Records;
        var inserted = batch.RowsFile is { } file ? await AccessLogLoadDataWriter.LoadAsync(connection, file, ct) : 0;
        var deadLetters = batch.Items.Where(i => i.DeadLetter is not null).Select(i => i.DeadLetter!).ToList();
        var deadInserted = await _deadLetters.InsertAsync(connection, transaction, deadLetters, ct);

        // Increments are exact only if every record was new; a partial repeat cannot tell which rows counted, so the
        // touched minutes are rebuilt from the raw rows. With nothing new, the rollups and client sets are already
        // right. The counter increments run with the locking read of the stored histograms in one round trip
        // (RollupWriter); their new values, the client sets and the offsets travel as one more.
        var clients = batch.Clients;
        StatementBatch writes;
        var recomputed = false;
        if (inserted == records.Count)
        {
            var increments = new StatementBatch(connection, transaction);
            _rollups.AppendIncrements(increments, batch.Delta);
            writes = await _rollups.MergeHistogramIncrementsAsync(increments, batch.Delta, ct);
            VisitorWriter.AppendTo(writes, clients);
        }
        else
        {
            writes = new StatementBatch(connection, transaction);
            if (inserted > 0)
            {
                writes = await _rollups.RecomputeAsync(writes, records.Select(r => RollupDelta.MinuteOf(r.TimeUtc)), ct);
                VisitorWriter.AppendTo(writes, clients);
                recomputed = true;
            }
            else clients = VisitorWriter.NewClients.None;
        }
        _offsets.AppendAdvance(writes, batch.ConsumerGroup, NextOffsets(batch.Items));
        await writes.ExecuteAsync(ct);
        await transaction.CommitAsync(ct);
        _visitors.Committed(clients);
        return new StoreOutcome(alreadyStored, inserted, records.Count - inserted, deadInserted, recomputed);
    }

    private static Dictionary<TopicPartition, long> NextOffsets(IReadOnlyList<IngestItem> items)
    {
        var next = new Dictionary<TopicPartition, long>();
        foreach (var item in items)
        {
            var tp = new TopicPartition(item.Position.Topic, item.Position.Partition);
            next[tp] = Math.Max(next.GetValueOrDefault(tp), item.Position.Offset + 1);
        }
        return next;
    }
}
