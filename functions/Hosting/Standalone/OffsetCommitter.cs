using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace NginxPulse.Functions.Hosting.Standalone;

/// <summary>
/// Synchronous commits of explicit offsets. A failed commit (broker unreachable) is not a data problem —
/// the batch is stored and the function is idempotent — so the offsets are kept and sent again with the
/// next commit or idle poll, until the partition is revoked.
/// </summary>
internal sealed partial class OffsetCommitter(IConsumer<byte[]?, byte[]?> consumer, string function, ILogger logger)
{
    private readonly Dictionary<TopicPartition, Offset> uncommitted = [];

    public bool HasUncommitted => uncommitted.Count > 0;

    /// <returns>false when the commit failed and the offsets wait for the next one</returns>
    public bool Commit(IEnumerable<TopicPartitionOffset> offsets)
    {
        foreach (var offset in offsets) uncommitted[offset.TopicPartition] = offset.Offset;
        return RetryUncommitted();
    }

    public bool RetryUncommitted()
    {
        if (uncommitted.Count == 0) return true;
        var batch = uncommitted.Select(kv => new TopicPartitionOffset(kv.Key, kv.Value)).ToList();
        try
        {
            consumer.Commit(batch);
            uncommitted.Clear();
            return true;
        }
        catch (KafkaException ex)
        {
            LogCommitFailed(ex, function, string.Join(",", batch.Select(o => $"p{o.Partition.Value}@{o.Offset.Value}")));
            return false;
        }
    }

    public void Forget(IEnumerable<TopicPartition> partitions)
    {
        foreach (var partition in partitions) uncommitted.Remove(partition);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Function}: committing offsets {Offsets} failed; will retry (a redelivery meanwhile is harmless)")]
    private partial void LogCommitFailed(Exception ex, string function, string offsets);
}
