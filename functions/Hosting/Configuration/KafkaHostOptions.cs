namespace NginxPulse.Functions.Hosting.Configuration;

public enum KafkaAutoOffsetReset { Earliest, Latest }

/// <summary>
/// host.json <c>extensions.kafka</c> (contract 1.4), defaults as in the Kafka extension. The standalone
/// consumer applies them; under the Functions host the extension itself reads host.json.
/// Null means "leave librdkafka's default".
/// </summary>
public sealed class KafkaHostOptions
{
    public int MaxBatchSize { get; set; } = 64;
    public int SubscriberIntervalInSeconds { get; set; } = 1;
    public int ExecutorChannelCapacity { get; set; } = 1;
    public int ChannelFullRetryIntervalInMs { get; set; } = 50;
    public int SubscriberIdleBackoffMs { get; set; } = 50;
    public bool CommitOnFailure { get; set; } = true;
    public int MaxRetries { get; set; } = 5;
    public int AutoCommitIntervalMs { get; set; } = 200;
    public KafkaAutoOffsetReset AutoOffsetReset { get; set; } = KafkaAutoOffsetReset.Earliest;
    public int SessionTimeoutMs { get; set; } = 10000;
    public int MetadataMaxAgeMs { get; set; } = 180000;
    public bool SocketKeepaliveEnable { get; set; } = true;
    public string? LibkafkaDebug { get; set; }
    public int? MaxPollIntervalMs { get; set; }
    public int? ReconnectBackoffMs { get; set; }
    public int? ReconnectBackoffMaxMs { get; set; }
    public int? StatisticsIntervalMs { get; set; }
    public int? QueuedMinMessages { get; set; }
    public int? QueuedMaxMessagesKbytes { get; set; }
    public int? MaxPartitionFetchBytes { get; set; }
    public int? FetchMaxBytes { get; set; }
}
