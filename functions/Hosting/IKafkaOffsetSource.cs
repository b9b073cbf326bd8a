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
}
