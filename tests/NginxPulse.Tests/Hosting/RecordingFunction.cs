using System.Collections.Concurrent;
using NginxPulse.Functions.Hosting;
using NginxPulse.Functions.Kafka;

namespace NginxPulse.Tests.Hosting;

/// <summary>Test double: records every batch it is given and fails the attempts a test chooses.</summary>
internal class RecordingFunction(string name = "IngestAccessLogs") : IKafkaFunction
{
    private int attempts;

    public string Name => name;

    /// <summary>Every invocation, failed ones included, in order.</summary>
    public ConcurrentQueue<KafkaBatch> Attempts { get; } = new();

    /// <summary>Invocations that returned normally.</summary>
    public ConcurrentQueue<KafkaBatch> Succeeded { get; } = new();

    /// <summary>Called with the 1-based attempt number before the batch counts as handled; throw to fail it.</summary>
    public Action<int, KafkaBatch>? OnAttempt { get; init; }

    public int SucceededMessageCount => Succeeded.Sum(b => b.Messages.Count);

    public IEnumerable<KafkaPosition> SucceededPositions => Succeeded.SelectMany(b => b.Messages).Select(m => m.Position);

    public Task RunAsync(KafkaBatch batch, CancellationToken ct)
    {
        Attempts.Enqueue(batch);
        OnAttempt?.Invoke(Interlocked.Increment(ref attempts), batch);
        Succeeded.Enqueue(batch);
        return Task.CompletedTask;
    }
}

/// <summary>A recording function that also keeps offsets with its "data" (offset-as-id).</summary>
internal sealed class OffsetStoringFunction(IReadOnlyDictionary<int, long> stored) : RecordingFunction, IKafkaOffsetSource
{
    private readonly ConcurrentDictionary<int, long> offsets = new(stored);

    /// <summary>Partitions whose stored offsets the consumer declared stale.</summary>
    public ConcurrentQueue<int> Forgotten { get; } = new();

    public Task<IReadOnlyDictionary<int, long>> GetNextOffsetsAsync(string consumerGroup, string topic, CancellationToken ct) =>
        Task.FromResult<IReadOnlyDictionary<int, long>>(new Dictionary<int, long>(offsets));

    public Task ForgetNextOffsetsAsync(string consumerGroup, string topic, IReadOnlyCollection<int> partitions, CancellationToken ct)
    {
        foreach (var partition in partitions)
        {
            offsets.TryRemove(partition, out _);
            Forgotten.Enqueue(partition);
        }
        return Task.CompletedTask;
    }
}
