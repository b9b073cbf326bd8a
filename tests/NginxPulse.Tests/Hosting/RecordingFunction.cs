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

/// <summary>
/// Test double of a function with a preparation step: records preparations, runs and disposals of prepared batches;
/// a run may wait for a signal or fail. Unprepared runs (the consumer's retries) count as runs too.
/// </summary>
internal class PreparingRecordingFunction : IPreparingKafkaFunction
{
    private int runs;
    private int running;
    private int disposed;

    public string Name => "IngestAccessLogs";

    public ConcurrentQueue<KafkaBatch> Prepared { get; } = new();

    /// <summary>Every run, failed ones included, in order.</summary>
    public ConcurrentQueue<KafkaBatch> Runs { get; } = new();

    public ConcurrentQueue<KafkaBatch> Succeeded { get; } = new();

    public int Disposed => Volatile.Read(ref disposed);

    /// <summary>Set when two runs overlapped: batches must run one at a time.</summary>
    public bool RanConcurrently { get; private set; }

    /// <summary>Completed once a second batch has been prepared.</summary>
    public TaskCompletionSource SecondPrepared { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Called with the 1-based run number before the batch counts as handled; throw to fail it.</summary>
    public Func<int, KafkaBatch, Task>? OnRun { get; init; }

    public IEnumerable<KafkaPosition> SucceededPositions => Succeeded.SelectMany(b => b.Messages).Select(m => m.Position);

    public Task<IPreparedKafkaBatch> PrepareAsync(KafkaBatch batch, CancellationToken ct)
    {
        Prepared.Enqueue(batch);
        if (Prepared.Count >= 2) SecondPrepared.TrySetResult();
        return Task.FromResult<IPreparedKafkaBatch>(new PreparedBatch(this, batch));
    }

    public Task RunAsync(KafkaBatch batch, CancellationToken ct) => RunOnceAsync(batch);

    private async Task RunOnceAsync(KafkaBatch batch)
    {
        if (Interlocked.Increment(ref running) > 1) RanConcurrently = true;
        try
        {
            Runs.Enqueue(batch);
            if (OnRun is { } onRun) await onRun(Interlocked.Increment(ref runs), batch);
            Stored(batch);
            Succeeded.Enqueue(batch);
        }
        finally
        {
            Interlocked.Decrement(ref running);
        }
    }

    /// <summary>Called when a run succeeded, before it counts as handled: where a store would write its data.</summary>
    protected virtual void Stored(KafkaBatch batch)
    {
    }

    private sealed class PreparedBatch(PreparingRecordingFunction function, KafkaBatch batch) : IPreparedKafkaBatch
    {
        public Task RunAsync(CancellationToken ct) => function.RunOnceAsync(batch);

        public ValueTask DisposeAsync()
        {
            Interlocked.Increment(ref function.disposed);
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>
/// A preparing function that keeps each partition's next offset with its "data" (offset-as-id), in a ledger that
/// replicas share as they would share the database.
/// </summary>
internal sealed class LedgerPreparingFunction(ConcurrentDictionary<int, long> ledger) : PreparingRecordingFunction, IKafkaOffsetSource
{
    protected override void Stored(KafkaBatch batch)
    {
        foreach (var message in batch.Messages)
            ledger.AddOrUpdate(message.Position.Partition, message.Position.Offset + 1, (_, next) => Math.Max(next, message.Position.Offset + 1));
    }

    public Task<IReadOnlyDictionary<int, long>> GetNextOffsetsAsync(string consumerGroup, string topic, CancellationToken ct) =>
        Task.FromResult<IReadOnlyDictionary<int, long>>(new Dictionary<int, long>(ledger));

    public Task ForgetNextOffsetsAsync(string consumerGroup, string topic, IReadOnlyCollection<int> partitions, CancellationToken ct) =>
        throw new InvalidOperationException("no stored offset lies past the end of the topic in this test");
}
