namespace NginxPulse.Functions.Kafka;

/// <summary>Where a message sits in Kafka; the unit of exactly-once bookkeeping.</summary>
public readonly record struct KafkaPosition(string Topic, int Partition, long Offset)
{
    public override string ToString() => $"{Topic}/{Partition}@{Offset}";
}

/// <summary>One Kafka message as either transport delivers it: the value is the raw UTF-8 payload.</summary>
public sealed record KafkaMessage(KafkaPosition Position, string? Key, ReadOnlyMemory<byte> Value, DateTime TimestampUtc);

/// <summary>What a kafkaTrigger with cardinality "many" hands to a function.</summary>
public sealed record KafkaBatch(string ConsumerGroup, IReadOnlyList<KafkaMessage> Messages);
