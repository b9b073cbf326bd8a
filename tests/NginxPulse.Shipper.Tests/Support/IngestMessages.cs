using Confluent.Kafka;
using NginxPulse.Functions.Kafka;

namespace NginxPulse.Shipper.Tests.Support;

/// <summary>A message read back from the topic, as the ingest function's Kafka trigger hands it over.</summary>
public static class IngestMessages
{
    public static KafkaMessage From(ConsumeResult<string, byte[]> r) =>
        new(new KafkaPosition(r.Topic, r.Partition.Value, r.Offset.Value), r.Message.Key, r.Message.Value, r.Message.Timestamp.UtcDateTime);
}
