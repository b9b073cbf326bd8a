using Confluent.Kafka;
using NginxPulse.Functions.Kafka;
using NginxPulse.Tests.Support;

namespace NginxPulse.Tests.Infra;

/// <summary>What a topic held when read from the start: the messages read and the count the brokers store.</summary>
public sealed record TopicContents(IReadOnlyList<ConsumeResult<string, string>> Messages, long StoredCount);

/// <summary>Real Confluent.Kafka clients configured the way the pipeline uses them, for tests against a mock cluster.</summary>
public static class KafkaTestClients
{
    public static IProducer<string, string> IdempotentProducer(string bootstrapServers, int messageTimeoutMs = 30_000)
    {
        KafkaNativeLibrary.Register();
        return new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            Acks = Acks.All,
            EnableIdempotence = true,
            MessageTimeoutMs = messageTimeoutMs,
            // The default backoff grows to 10 s; a short one keeps outage tests quick after the brokers return.
            ReconnectBackoffMs = 50,
            ReconnectBackoffMaxMs = 500,
        }).Build();
    }

    /// <summary>Reads the topic from the beginning with a fresh consumer group until <paramref name="expected"/> messages arrived.</summary>
    public static async Task<TopicContents> ReadTopicAsync(string bootstrapServers, string topic, int expected, TimeSpan timeout)
    {
        KafkaNativeLibrary.Register();
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = $"tests-{Guid.NewGuid():N}",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).Build();
        consumer.Subscribe(topic);
        var messages = new List<ConsumeResult<string, string>>();
        try
        {
            await Eventually.TrueAsync(() =>
            {
                while (messages.Count < expected && consumer.Consume(TimeSpan.FromMilliseconds(100)) is { } result)
                    messages.Add(result);
                return messages.Count >= expected;
            }, timeout, $"{expected} messages on {topic}");
            var stored = consumer.Assignment.Sum(tp => consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10)).High.Value);
            return new TopicContents(messages, stored);
        }
        finally
        {
            consumer.Close();
        }
    }
}
