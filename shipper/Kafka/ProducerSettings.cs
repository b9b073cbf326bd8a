using Confluent.Kafka;
using NginxPulse.Shipper.Configuration;

namespace NginxPulse.Shipper.Kafka;

/// <summary>The producer's librdkafka settings: safe, throughput-tuned defaults, then every Kafka:Properties entry on top.</summary>
public static class ProducerSettings
{
    public static ProducerConfig For(ShipperOptions options)
    {
        var kafka = options.Kafka;
        var config = new ProducerConfig
        {
            BootstrapServers = kafka.BootstrapServers,
            ClientId = $"nginxpulse-shipper@{options.Host}",
            Acks = Acks.All,
            EnableIdempotence = true,
            CompressionType = CompressionType.Lz4,
            LingerMs = 20,
            BatchNumMessages = 10_000,
            BatchSize = 1_000_000,
            // librdkafka's own queue must hold more than our in-flight budget, so Produce never reports it full.
            QueueBufferingMaxMessages = Math.Max(100_000, kafka.MaxInFlightMessages * 2),
            QueueBufferingMaxKbytes = (int)Math.Min(int.MaxValue, Math.Max(1024 * 1024, kafka.MaxInFlightBytes / 1024 * 2)),
            // Lines wait in the queue through an outage rather than expire; the budget keeps the queue bounded.
            MessageTimeoutMs = 0,
            ReconnectBackoffMs = 100,
            ReconnectBackoffMaxMs = 2000,
        };
        foreach (var (name, value) in kafka.Properties) config.Set(name, value);
        return config;
    }
}
