using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace NginxPulse.Functions.Hosting.Standalone;

/// <summary>
/// Start positions on assignment: max(Kafka committed offset, offset the function stored with its data)
/// per partition (offset-as-id). Unset means "Kafka's committed offset, else auto.offset.reset".
/// A stored offset past the partition's end means the topic was recreated (or truncated): left alone, every
/// new message below it would be taken for a redelivery and skipped, so the stale offset is forgotten.
/// </summary>
internal sealed class StoredOffsetSeeker(
    Func<CancellationToken, Task<IReadOnlyDictionary<int, long>?>> readStoredOffsets,
    Func<IReadOnlyCollection<int>, CancellationToken, Task> forgetStoredOffsets,
    string function,
    ILogger logger)
{
    private static readonly TimeSpan CommittedTimeout = TimeSpan.FromSeconds(10);

    public IReadOnlyList<TopicPartitionOffset> StartPositions(IConsumer<byte[]?, byte[]?> consumer, IReadOnlyList<TopicPartition> partitions, CancellationToken ct)
    {
        var unset = partitions.Select(p => new TopicPartitionOffset(p, Offset.Unset)).ToArray();
        IReadOnlyDictionary<int, long>? stored;
        try
        {
            // Rebalance callbacks are synchronous and run on the dedicated consumer thread: blocking is fine here.
            stored = readStoredOffsets(ct).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Starting at the committed offset only re-reads work the idempotent store already has.
            KafkaListenerLog.StoredOffsetsFailed(logger, ex, function);
            return unset;
        }
        if (stored is null || stored.Count == 0) return unset;
        stored = WithoutStale(consumer, partitions, stored, ct);

        var committed = Committed(consumer, partitions);
        return partitions.Select(p =>
        {
            if (!stored.TryGetValue(p.Partition.Value, out var storedOffset)) return new TopicPartitionOffset(p, Offset.Unset);
            var kafka = committed.TryGetValue(p, out var c) ? c : Offset.Unset;
            if (kafka != Offset.Unset && kafka.Value >= storedOffset) return new TopicPartitionOffset(p, Offset.Unset);
            KafkaListenerLog.SeekToStored(logger, function, p.Partition.Value, storedOffset, kafka == Offset.Unset ? "none" : kafka.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return new TopicPartitionOffset(p, new Offset(storedOffset));
        }).ToArray();
    }

    private IReadOnlyDictionary<int, long> WithoutStale(IConsumer<byte[]?, byte[]?> consumer, IReadOnlyList<TopicPartition> partitions, IReadOnlyDictionary<int, long> stored, CancellationToken ct)
    {
        var stale = new List<int>();
        foreach (var partition in partitions)
        {
            if (!stored.TryGetValue(partition.Partition.Value, out var storedOffset)) continue;
            WatermarkOffsets watermarks;
            try
            {
                watermarks = consumer.QueryWatermarkOffsets(partition, CommittedTimeout);
            }
            catch (KafkaException)
            {
                continue; // unknown end: keep the stored offset, as before this check
            }
            if (watermarks.High != Offset.Unset && storedOffset > watermarks.High.Value)
            {
                KafkaListenerLog.StoredOffsetPastEnd(logger, function, partition.Partition.Value, storedOffset, watermarks.High.Value);
                stale.Add(partition.Partition.Value);
            }
        }
        if (stale.Count == 0) return stored;
        forgetStoredOffsets(stale, ct).GetAwaiter().GetResult();
        return stored.Where(s => !stale.Contains(s.Key)).ToDictionary(s => s.Key, s => s.Value);
    }

    private static Dictionary<TopicPartition, Offset> Committed(IConsumer<byte[]?, byte[]?> consumer, IReadOnlyList<TopicPartition> partitions)
    {
        try
        {
            return consumer.Committed(partitions, CommittedTimeout).ToDictionary(o => o.TopicPartition, o => o.Offset);
        }
        catch (KafkaException)
        {
            // Unknown committed offsets: the stored ones are known to be processed, so starting there is safe.
            return [];
        }
    }
}
