using System.Text;
using Confluent.Kafka;
using NginxPulse.Functions.Kafka;
using NginxPulse.KafkaMock;

namespace NginxPulse.Tests.Hosting;

/// <summary>An in-process librdkafka mock cluster with one topic, plus producing and committed-offset queries.</summary>
internal sealed class KafkaTestBroker : IDisposable
{
    public const int Partitions = 3;

    private readonly MockKafkaCluster cluster = new(3);

    public KafkaTestBroker()
    {
        KafkaNativeLibrary.Register();
        cluster.CreateTopic(Topic, Partitions);
    }

    public string Topic { get; } = "nginx-access-" + Guid.NewGuid().ToString("N")[..8];

    public string BootstrapServers => cluster.BootstrapServers;

    /// <summary>Message i goes to partition i % 3 with key host-(i % 5) and value "line i".</summary>
    public async Task<IReadOnlyList<KafkaPosition>> ProduceAsync(int from, int count)
    {
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = BootstrapServers, Acks = Acks.All, EnableIdempotence = true }).Build();
        var sends = Enumerable.Range(from, count).Select(i =>
            producer.ProduceAsync(new TopicPartition(Topic, i % Partitions), new Message<string, string> { Key = $"host-{i % 5}", Value = $"line {i}" }));
        var results = await Task.WhenAll(sends);
        return results.Select(r => new KafkaPosition(r.Topic, r.Partition.Value, r.Offset.Value)).ToArray();
    }

    /// <summary>Value i goes to partition i % 3 with key host-(i % 5).</summary>
    public async Task ProduceAsync(IReadOnlyList<string> values)
    {
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = BootstrapServers, Acks = Acks.All, EnableIdempotence = true }).Build();
        await Task.WhenAll(values.Select((value, i) =>
            producer.ProduceAsync(new TopicPartition(Topic, i % Partitions), new Message<string, string> { Key = $"host-{i % 5}", Value = value })));
    }

    public async Task ProducePerPartitionAsync(int perPartition)
    {
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = BootstrapServers, Acks = Acks.All }).Build();
        var sends = Enumerable.Range(0, Partitions).SelectMany(p => Enumerable.Range(0, perPartition).Select(i =>
            producer.ProduceAsync(new TopicPartition(Topic, p), new Message<string, string> { Key = null!, Value = $"p{p} line {i}" })));
        await Task.WhenAll(sends);
    }

    /// <summary>Kafka's committed offset per partition for a group (-1001 = none), read without joining the group.</summary>
    public IReadOnlyDictionary<int, long> Committed(string group)
    {
        using var consumer = NewConsumer(group);
        return consumer.Committed(Enumerable.Range(0, Partitions).Select(p => new TopicPartition(Topic, p)), TimeSpan.FromSeconds(10))
            .ToDictionary(o => o.Partition.Value, o => o.Offset.Value);
    }

    public void Commit(string group, IReadOnlyDictionary<int, long> offsets)
    {
        using var consumer = NewConsumer(group);
        consumer.Commit(offsets.Select(kv => new TopicPartitionOffset(Topic, kv.Key, kv.Value)));
    }

    public static string Text(KafkaMessage message) => Encoding.UTF8.GetString(message.Value.Span);

    private IConsumer<Ignore, Ignore> NewConsumer(string group) =>
        new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = BootstrapServers, GroupId = group, EnableAutoCommit = false }).Build();

    public void Dispose() => cluster.Dispose();
}
