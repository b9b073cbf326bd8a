namespace NginxPulse.Functions.Hosting;

/// <summary>
/// Implemented by a Kafka function that stores the next offset per partition together with its data
/// (offset-as-id). On partition assignment the standalone consumer starts each partition at
/// max(Kafka committed offset, stored offset), so work that was stored but whose Kafka commit was lost
/// is not fetched again.
/// </summary>
public interface IKafkaOffsetSource
{
    /// <summary>Next offset to read per partition; partitions without a stored offset are absent.</summary>
    Task<IReadOnlyDictionary<int, long>> GetNextOffsetsAsync(string consumerGroup, string topic, CancellationToken ct);

    /// <summary>
    /// Drops the stored offsets of these partitions: they lie past the end of the partition, so the topic was
    /// recreated (or truncated) and messages at lower offsets are new, not redeliveries. The function's own
    /// idempotence (record ids) then guards against repeats.
    /// </summary>
    Task ForgetNextOffsetsAsync(string consumerGroup, string topic, IReadOnlyCollection<int> partitions, CancellationToken ct);
}
