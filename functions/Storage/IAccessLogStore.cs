using NginxPulse.Functions.Kafka;
using NginxPulse.Functions.Parsing;

namespace NginxPulse.Functions.Storage;

/// <summary>What one Kafka message became: a record, a dead letter, or (rarely) nothing to store.</summary>
public sealed record IngestItem(KafkaPosition Position, AccessRecord? Record, DeadLetter? DeadLetter);

public sealed record StoreOutcome(
    int AlreadyStored,        // messages at offsets the store had already committed (redelivery)
    int RecordsInserted,
    int RecordsDuplicate,     // records whose id was already present (re-shipped lines)
    int DeadLettersInserted,
    bool RollupsRecomputed);  // true when a repeat forced recomputing touched minutes from raw rows

/// <summary>
/// Stores one Kafka batch atomically: records, dead letters, rollups and the per-partition next offsets
/// commit in one transaction, so a redelivered batch is a no-op and a re-shipped line adds nothing.
/// </summary>
public interface IAccessLogStore
{
    /// <summary>Prepares and stores in one go.</summary>
    Task<StoreOutcome> StoreAsync(string consumerGroup, IReadOnlyList<IngestItem> items, CancellationToken ct);

    /// <summary>
    /// The batch's client-side work, without the database: may run while another batch is being stored. Throws
    /// <see cref="ArgumentException"/> for an id that is not 16 bytes. Dispose the result once stored or dropped.
    /// </summary>
    Task<PreparedAccessLogBatch> PrepareAsync(string consumerGroup, IReadOnlyList<IngestItem> items, CancellationToken ct);

    /// <summary>Stores a prepared batch; offsets stored since it was prepared are skipped as for any redelivery.</summary>
    Task<StoreOutcome> StoreAsync(PreparedAccessLogBatch batch, CancellationToken ct);

    /// <summary>The next offset to read per partition of a topic, as committed with the data.</summary>
    Task<IReadOnlyDictionary<int, long>> GetNextOffsetsAsync(string consumerGroup, string topic, CancellationToken ct);

    /// <summary>Deletes the stored next offsets of these partitions (the topic was recreated).</summary>
    Task ForgetNextOffsetsAsync(string consumerGroup, string topic, IReadOnlyCollection<int> partitions, CancellationToken ct);
}
