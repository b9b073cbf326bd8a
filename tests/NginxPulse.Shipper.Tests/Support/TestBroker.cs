using Confluent.Kafka;
using NginxPulse.KafkaMock;
using Xunit;

namespace NginxPulse.Shipper.Tests.Support;

/// <summary>A librdkafka mock cluster with one fresh topic, and a consumer that reads it from the start.</summary>
public sealed class TestBroker : IDisposable
{
    public const int Partitions = 3;

    private readonly List<ShippedEvent> events = [];
    private readonly List<ConsumeResult<string, byte[]>> raw = [];
    private IConsumer<string, byte[]>? consumer;

    public TestBroker()
    {
        KafkaNativeLibrary.Register();
        Cluster = new MockKafkaCluster(3);
        Cluster.CreateTopic(Topic, Partitions);
    }

    public MockKafkaCluster Cluster { get; }

    public string Topic { get; } = "shipper-" + Guid.NewGuid().ToString("N")[..8];

    public string BootstrapServers => Cluster.BootstrapServers;

    /// <summary>Everything read so far (in arrival order).</summary>
    public IReadOnlyList<ShippedEvent> Events { get { lock (events) return events.ToList(); } }

    /// <summary>The messages behind <see cref="Events"/>, as the consumer received them.</summary>
    public IReadOnlyList<ConsumeResult<string, byte[]>> RawMessages { get { lock (events) return raw.ToList(); } }

    /// <summary>Reads until <paramref name="done"/> holds for what was read.</summary>
    public async Task<IReadOnlyList<ShippedEvent>> ReadUntilAsync(Func<IReadOnlyList<ShippedEvent>, bool> done, TimeSpan timeout, string what)
    {
        consumer ??= Subscribe();
        await Eventually.TrueAsync(() =>
        {
            while (consumer.Consume(TimeSpan.FromMilliseconds(50)) is { } r)
                lock (events)
                {
                    raw.Add(r);
                    events.Add(ShippedEvent.Parse(r.Message.Key, r.Message.Value, r.Partition.Value));
                }
            return Task.FromResult(done(Events));
        }, timeout, () => $"{what} (read {Events.Count} events so far)");
        return Events;
    }

    /// <summary>Waits for sequence numbers 1..count, then proves each is in the topic exactly once (the brokers hold no more).</summary>
    public async Task<IReadOnlyList<ShippedEvent>> AssertExactlyOnceAsync(int count, TimeSpan? timeout = null)
    {
        var read = await ReadUntilAsync(e => e.Select(x => x.Seq).Distinct().Count() >= count, timeout ?? TimeSpan.FromSeconds(30), $"sequence numbers 1..{count}");
        var seqs = read.Select(e => e.Seq).ToList();
        Assert.Equal(Enumerable.Range(1, count), seqs.Distinct().Order());
        var duplicates = seqs.GroupBy(s => s).Where(g => g.Count() > 1).Select(g => g.Key).Take(10).ToList();
        Assert.True(duplicates.Count == 0, $"duplicated sequence numbers: {string.Join(",", duplicates)}");
        Assert.Equal(count, StoredCount());
        return read;
    }

    /// <summary>How many messages the brokers hold in the topic.</summary>
    public long StoredCount()
    {
        using var probe = NewConsumer();
        return Enumerable.Range(0, Partitions).Sum(p => probe.QueryWatermarkOffsets(new TopicPartition(Topic, p), TimeSpan.FromSeconds(10)).High.Value);
    }

    private IConsumer<string, byte[]> Subscribe()
    {
        var c = NewConsumer();
        c.Assign(Enumerable.Range(0, Partitions).Select(p => new TopicPartitionOffset(Topic, p, Offset.Beginning)));
        return c;
    }

    private IConsumer<string, byte[]> NewConsumer() => new ConsumerBuilder<string, byte[]>(new ConsumerConfig
    {
        BootstrapServers = BootstrapServers,
        GroupId = "shipper-tests-" + Guid.NewGuid().ToString("N"),
        EnableAutoCommit = false,
        AutoOffsetReset = AutoOffsetReset.Earliest,
    }).Build();

    public void Dispose()
    {
        consumer?.Close();
        consumer?.Dispose();
        Cluster.Dispose();
    }
}
