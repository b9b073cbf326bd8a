using Confluent.Kafka;
using NginxPulse.Functions.Kafka;

namespace NginxPulse.Functions.Hosting.Standalone;

/// <summary>
/// The batch being collected or retried. Only the consumer thread touches it (rebalance callbacks run
/// inside Consume on that thread), so no locking.
/// </summary>
internal sealed class PendingBatch
{
    private readonly List<KafkaMessage> messages = [];

    public int Count => messages.Count;

    public void Add(KafkaMessage message) => messages.Add(message);

    public void AddRange(IEnumerable<KafkaMessage> more) => messages.AddRange(more);

    public void Clear() => messages.Clear();

    /// <summary>Drops messages of partitions this consumer no longer owns: the new owner reads them again.</summary>
    public int Remove(IEnumerable<TopicPartition> partitions)
    {
        var gone = partitions.Select(p => (p.Topic, p.Partition.Value)).ToHashSet();
        return messages.RemoveAll(m => gone.Contains((m.Position.Topic, m.Position.Partition)));
    }

    /// <summary>Per partition the first offset held: where to seek to read these messages again.</summary>
    public IReadOnlyList<TopicPartitionOffset> FirstOffsets() =>
        messages
            .GroupBy(m => (m.Position.Topic, m.Position.Partition))
            .Select(g => new TopicPartitionOffset(g.Key.Topic, g.Key.Partition, g.Min(m => m.Position.Offset)))
            .ToArray();

    public KafkaBatch ToBatch(string consumerGroup) => new(consumerGroup, messages.ToArray());

    /// <summary>What to commit after success: per partition the last offset + 1.</summary>
    public static IReadOnlyList<TopicPartitionOffset> NextOffsets(KafkaBatch batch) =>
        batch.Messages
            .GroupBy(m => (m.Position.Topic, m.Position.Partition))
            .Select(g => new TopicPartitionOffset(g.Key.Topic, g.Key.Partition, g.Max(m => m.Position.Offset) + 1))
            .ToArray();

    /// <summary>"p0:10-19 p2:40-41": compact offset ranges for logs.</summary>
    public static string DescribeRanges(KafkaBatch batch) =>
        string.Join(" ", batch.Messages
            .GroupBy(m => m.Position.Partition)
            .OrderBy(g => g.Key)
            .Select(g => $"p{g.Key}:{g.Min(m => m.Position.Offset)}-{g.Max(m => m.Position.Offset)}"));
}
