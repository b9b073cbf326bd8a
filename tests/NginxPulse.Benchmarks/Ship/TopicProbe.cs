using System.Diagnostics;
using System.Text.Json;
using Confluent.Kafka;

namespace NginxPulse.Benchmarks.Ship;

/// <summary>What the broker holds: a topic's message count (its high watermark) and the bytes the messages take.</summary>
public sealed class TopicProbe(string bootstrap)
{
    /// <summary>Messages in the topic's single partition.</summary>
    public long Count(string topic)
    {
        using var consumer = NewConsumer(null);
        return consumer.QueryWatermarkOffsets(new TopicPartition(topic, 0), TimeSpan.FromSeconds(10)).High.Value;
    }

    /// <summary>Polls the watermark until it reaches <paramref name="expected"/>; the time it took from <paramref name="since"/>.</summary>
    public async Task<TimeSpan> WaitForAsync(string topic, long expected, Stopwatch since, TimeSpan timeout, Func<string>? diagnose = null)
    {
        using var consumer = NewConsumer(null);
        var partition = new TopicPartition(topic, 0);
        while (true)
        {
            var high = consumer.QueryWatermarkOffsets(partition, TimeSpan.FromSeconds(10)).High.Value;
            if (high >= expected) return since.Elapsed;
            if (since.Elapsed > timeout)
                throw new TimeoutException($"topic {topic} holds {high:N0} of {expected:N0} messages after {timeout}; {diagnose?.Invoke()}");
            await Task.Delay(20);
        }
    }

    /// <summary>
    /// Bytes per message: the payload (key + value before compression) and what a consumer fetches from the broker
    /// (librdkafka's rx_bytes: the lz4 batches as stored plus protocol framing, i.e. what crosses the wire). The mock
    /// broker keeps only the newest few MB of a partition, so this reads from the low watermark to the end.
    /// </summary>
    public WireSize SizePerMessage(string topic)
    {
        long wire = 0;
        using var consumer = NewConsumer(stats => Interlocked.Exchange(ref wire, JsonDocument.Parse(stats).RootElement.GetProperty("rx_bytes").GetInt64()));
        var partition = new TopicPartition(topic, 0);
        var marks = consumer.QueryWatermarkOffsets(partition, TimeSpan.FromSeconds(10));
        consumer.Assign(new TopicPartitionOffset(partition, marks.Low));
        long payload = 0, read = 0, expected = marks.High - marks.Low;
        while (read < expected)
        {
            var result = consumer.Consume(TimeSpan.FromSeconds(30)) ?? throw new TimeoutException($"topic {topic}: only {read:N0} of {expected:N0} retained messages readable");
            if (result.IsPartitionEOF) continue;
            payload += (result.Message.Key?.Length ?? 0) + (result.Message.Value?.Length ?? 0);
            read++;
        }
        var settle = Stopwatch.StartNew();
        var before = Interlocked.Read(ref wire);
        while (Interlocked.Read(ref wire) == before && settle.Elapsed < TimeSpan.FromSeconds(3)) consumer.Consume(TimeSpan.FromMilliseconds(100));
        return new WireSize(read, payload / (double)read, Interlocked.Read(ref wire) / (double)read);
    }

    public IConsumer<byte[], byte[]> NewConsumer(Action<string>? statistics)
    {
        NginxPulse.Functions.Kafka.KafkaNativeLibrary.Register();
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "ship-bench-probe",
            EnableAutoCommit = false,
            EnablePartitionEof = true,
            StatisticsIntervalMs = statistics is null ? 0 : 200,
        };
        var builder = new ConsumerBuilder<byte[], byte[]>(config).SetLogHandler((_, _) => { });
        if (statistics is not null) builder.SetStatisticsHandler((_, json) => statistics(json));
        return builder.Build();
    }
}

public sealed record WireSize(long Sampled, double PayloadPerMessage, double WirePerMessage);
