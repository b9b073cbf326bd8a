using Confluent.Kafka;
using NginxPulse.KafkaMock;
using Xunit;

namespace NginxPulse.Tests.Infra;

public sealed class MockKafkaClusterTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Idempotent_producer_and_consumer_group_move_every_keyed_message_once_in_partition_order()
    {
        const int count = 1000;
        using var cluster = new MockKafkaCluster(3);
        cluster.CreateTopic("access", 3);

        var delivered = new List<DeliveryResult<string, string>>();
        using (var producer = KafkaTestClients.IdempotentProducer(cluster.BootstrapServers))
        {
            var sends = Enumerable.Range(0, count)
                .Select(i => producer.ProduceAsync("access", new Message<string, string> { Key = $"host-{i % 7}", Value = i.ToString() }))
                .ToList();
            delivered.AddRange(await Task.WhenAll(sends).WaitAsync(Deadline));
        }

        Assert.All(delivered, d => Assert.Equal(PersistenceStatus.Persisted, d.Status));
        Assert.Equal(3, delivered.Select(d => d.Partition.Value).Distinct().Count());
        Assert.All(delivered.GroupBy(d => d.Message.Key), byKey => Assert.Single(byKey.Select(d => d.Partition.Value).Distinct()));

        var read = await KafkaTestClients.ReadTopicAsync(cluster.BootstrapServers, "access", count, Deadline);

        Assert.Equal(count, read.StoredCount);
        Assert.Equal(count, read.Messages.Count);
        foreach (var partition in delivered.GroupBy(d => d.Partition.Value))
        {
            var sentInOrder = partition.Select(d => d.Message.Value).ToList();
            var consumed = read.Messages.Where(m => m.Partition.Value == partition.Key).ToList();
            Assert.Equal(sentInOrder, consumed.Select(m => m.Message.Value).ToList());
            Assert.Equal(Enumerable.Range(0, sentInOrder.Count).Select(o => (long)o), consumed.Select(m => m.Offset.Value));
        }
    }

    [Fact]
    public async Task Messages_produced_while_every_broker_is_down_are_delivered_once_the_brokers_return()
    {
        const int before = 50, during = 200;
        using var cluster = new MockKafkaCluster(3);
        cluster.CreateTopic("outage", 3);
        using var producer = KafkaTestClients.IdempotentProducer(cluster.BootstrapServers, messageTimeoutMs: 120_000);

        await Task.WhenAll(Enumerable.Range(0, before).Select(i => Produce(producer, "outage", i))).WaitAsync(Deadline);

        cluster.SetAllBrokersDown();
        var duringOutage = Enumerable.Range(before, during).Select(i => Produce(producer, "outage", i)).ToList();
        await Task.Delay(TimeSpan.FromSeconds(1));
        var deliveredWhileDown = duringOutage.Count(t => t.IsCompleted);
        cluster.SetAllBrokersUp();

        Assert.True(deliveredWhileDown == 0, $"{deliveredWhileDown} messages completed while every broker was down");
        var delivered = await Task.WhenAll(duringOutage).WaitAsync(Deadline);
        Assert.All(delivered, d => Assert.Equal(PersistenceStatus.Persisted, d.Status));

        var read = await KafkaTestClients.ReadTopicAsync(cluster.BootstrapServers, "outage", before + during, Deadline);
        Assert.Equal(before + during, read.StoredCount);
        Assert.Equal(Enumerable.Range(0, before + during).Select(i => i.ToString()),
            read.Messages.Select(m => m.Message.Value).OrderBy(int.Parse));
    }

    private static Task<DeliveryResult<string, string>> Produce(IProducer<string, string> producer, string topic, int i) =>
        producer.ProduceAsync(topic, new Message<string, string> { Key = $"host-{i % 5}", Value = i.ToString() });
}
