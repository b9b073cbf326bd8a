using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using NginxPulse.Functions.Hosting.Manifest;
using NginxPulse.Functions.Kafka;

namespace NginxPulse.Functions.Hosting.Standalone;

/// <summary>What one consume loop needs to know about its function.</summary>
internal sealed record ConsumeLoopSettings(
    FunctionRegistration Registration,
    KafkaTriggerBinding Trigger,
    int MaxBatchSize,
    TimeSpan BatchWindow,
    RetryPolicy Retry);

/// <summary>
/// The standalone kafkaTrigger: batches of up to MaxBatchSize messages or BatchWindow after the first one,
/// the function run on each, offsets committed only after it succeeded. Pipelined with depth 1: while batch N runs
/// on the thread pool, the consumer collects batch N+1 and has the function prepare it (no side effects outside the
/// process), then waits for N, commits N and starts N+1. A failed batch is retried, as is, forever with backoff while
/// its partitions are paused and the consumer keeps polling (so it stays in its group); the batch after it is
/// dropped and read again, so nothing is stored out of order. A failed batch is only dropped when its partitions are
/// revoked, for the new owner reads them again.
/// Runs on one dedicated thread: Consume blocks, and rebalance callbacks run inside it.
/// </summary>
internal sealed class KafkaConsumeLoop : IDisposable
{
    private static readonly TimeSpan PollSlice = TimeSpan.FromMilliseconds(100);

    private readonly ConsumeLoopSettings settings;
    private readonly KafkaFunctionInvoker invoker;
    private readonly ILogger logger;
    private readonly IConsumer<byte[]?, byte[]?> consumer;
    private readonly PendingBatch pending = new();
    private readonly PendingBatch failed = new();
    private readonly OffsetCommitter committer;
    private readonly StoredOffsetSeeker seeker;
    private readonly HashSet<TopicPartition> paused = [];
    private RunningBatch? running;
    private Exception? failure;
    private Error? fatalError;
    private CancellationToken stop;

    /// <summary>The batch being run on the thread pool while the next one is collected and prepared.</summary>
    private sealed record RunningBatch(KafkaBatch Batch, KafkaInvocation Invocation, InFlightBatch Flight, long Started);

    public KafkaConsumeLoop(ConsumeLoopSettings settings, ConsumerConfig config, KafkaFunctionInvoker invoker, ILogger logger)
    {
        this.settings = settings;
        this.invoker = invoker;
        this.logger = logger;
        consumer = new ConsumerBuilder<byte[]?, byte[]?>(config)
            .SetPartitionsAssignedHandler((_, partitions) => OnAssigned(partitions))
            .SetPartitionsRevokedHandler((_, partitions) => OnRevoked(partitions.Select(p => p.TopicPartition).ToList()))
            .SetPartitionsLostHandler((_, partitions) => OnRevoked(partitions.Select(p => p.TopicPartition).ToList()))
            .SetErrorHandler((_, error) => OnError(error))
            .SetLogHandler((_, message) => logger.Log(LibrdkafkaLogLevel(message.Level), "librdkafka {Facility}: {Message}", message.Facility, message.Message))
            .Build();
        committer = new OffsetCommitter(consumer, Name, logger);
        seeker = new StoredOffsetSeeker(
            ct => invoker.GetStoredOffsetsAsync(settings.Registration, settings.Trigger.ConsumerGroup, settings.Trigger.Topic, ct),
            (partitions, ct) => invoker.ForgetStoredOffsetsAsync(settings.Registration, settings.Trigger.ConsumerGroup, settings.Trigger.Topic, partitions, ct),
            Name, logger);
    }

    private string Name => settings.Registration.Name;

    public void Subscribe() => consumer.Subscribe(settings.Trigger.Topic);

    public void Run(CancellationToken stopToken)
    {
        stop = stopToken;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                Collect();
                if (stop.IsCancellationRequested) break;
                PrepareNextAndFinishRunning();
            }
        }
        finally
        {
            // On shutdown the running batch is cancelled; if it was stored all the same, its offsets are committed.
            FinishRunning();
        }
    }

    /// <summary>
    /// Prepares the collected batch, waits for the running one (committing it) and starts the new one; when the
    /// running batch failed, drops the new one and retries the failed one until it is stored.
    /// </summary>
    private void PrepareNextAndFinishRunning()
    {
        var batch = pending.ToBatch(settings.Trigger.ConsumerGroup);
        Exception? prepareFailure = null;
        var next = pending.Count > 0 ? Prepare(batch, out prepareFailure) : null;
        try
        {
            FinishRunning();
            if (failure is not null)
            {
                // Nothing of a batch may be stored before the batch ahead of it: drop the next one's preparation
                // and read its messages again once the failed batch is stored.
                Release(next);
                next = null;
                foreach (var first in pending.FirstOffsets()) consumer.Seek(first);
                pending.Clear();
                RetryFailed();
            }
            else if (prepareFailure is not null)
            {
                failed.AddRange(batch.Messages);
                failure = prepareFailure;
                RetryFailed();
            }
            else if (next is not null)
            {
                running = new RunningBatch(batch, next, InFlightBatch.Start(next.RunAsync, stop), Stopwatch.GetTimestamp());
                next = null;
            }
            else committer.RetryUncommitted();
        }
        finally
        {
            // Only when something above threw: a prepared batch never outlives the loop (its files are deleted).
            Release(next);
        }
    }

    /// <summary>Leaves the group cleanly so partitions move to other replicas at once.</summary>
    public void Close() => consumer.Close();

    public void Dispose() => consumer.Dispose();

    private void Collect()
    {
        pending.Clear();
        long? firstMessageAt = null;
        while (pending.Count < settings.MaxBatchSize && !stop.IsCancellationRequested)
        {
            // With no message to prepare meanwhile, a finished batch is committed at once rather than after the next one.
            if (pending.Count == 0 && running is { Flight.IsCompleted: true }) break;
            var wait = PollSlice;
            if (firstMessageAt is { } first)
            {
                var left = settings.BatchWindow - Stopwatch.GetElapsedTime(first);
                if (left <= TimeSpan.Zero) break;
                if (left < wait) wait = left;
            }
            if (Consume(wait) is not { } result) continue;
            pending.Add(ToMessage(result));
            firstMessageAt ??= Stopwatch.GetTimestamp();
        }
    }

    private KafkaInvocation? Prepare(KafkaBatch batch, out Exception? prepareFailure)
    {
        prepareFailure = null;
        try
        {
            return invoker.PrepareAsync(settings.Registration, batch, stop).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && stop.IsCancellationRequested))
        {
            prepareFailure = ex;
            return null;
        }
    }

    /// <summary>Waits for the running batch: commits its offsets when it succeeded, else keeps it for <see cref="RetryFailed"/>.</summary>
    private void FinishRunning()
    {
        if (running is not { } run) return;
        running = null;
        var error = run.Flight.Wait();
        Release(run.Invocation);
        if (error is not null)
        {
            failed.AddRange(run.Batch.Messages);
            failure = error;
            return;
        }
        var committed = committer.Commit(PendingBatch.NextOffsets(run.Batch));
        KafkaListenerLog.BatchHandled(logger, Name, run.Batch.Messages.Count, PendingBatch.DescribeRanges(run.Batch),
            (long)Stopwatch.GetElapsedTime(run.Started).TotalMilliseconds, 1, committed);
    }

    /// <summary>Runs the failed batch again, one attempt at a time, until it succeeds or its partitions are revoked.</summary>
    private void RetryFailed()
    {
        var error = failure!;
        failure = null;
        try
        {
            for (var attempt = 1; failed.Count > 0; attempt++)
            {
                stop.ThrowIfCancellationRequested();
                var batch = failed.ToBatch(settings.Trigger.ConsumerGroup);
                var delay = settings.Retry.DelayBefore(attempt);
                KafkaListenerLog.BatchFailed(logger, error, Name, batch.Messages.Count, PendingBatch.DescribeRanges(batch), attempt, (long)delay.TotalMilliseconds);
                Pause(consumer.Assignment);
                WaitPolling(delay);
                stop.ThrowIfCancellationRequested();
                if (failed.Count == 0) break;
                batch = failed.ToBatch(settings.Trigger.ConsumerGroup);
                var started = Stopwatch.GetTimestamp();
                try
                {
                    invoker.InvokeAsync(settings.Registration, batch, stop).GetAwaiter().GetResult();
                }
                catch (Exception ex) when (!(ex is OperationCanceledException && stop.IsCancellationRequested))
                {
                    error = ex;
                    continue;
                }
                var committed = committer.Commit(PendingBatch.NextOffsets(batch));
                KafkaListenerLog.BatchHandled(logger, Name, batch.Messages.Count, PendingBatch.DescribeRanges(batch),
                    (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, attempt + 1, committed);
                break;
            }
        }
        finally
        {
            failed.Clear();
        }
        ResumePaused();
    }

    private static void Release(KafkaInvocation? invocation) => invocation?.DisposeAsync().AsTask().GetAwaiter().GetResult();

    private void Pause(IReadOnlyCollection<TopicPartition> partitions)
    {
        consumer.Pause(partitions);
        paused.UnionWith(partitions);
    }

    /// <summary>
    /// Resumes what this loop paused, assigned or not: librdkafka keeps a partition's pause flag across an
    /// unassign, so a partition revoked mid-retry and assigned again would otherwise never be fetched.
    /// </summary>
    private void ResumePaused()
    {
        if (paused.Count == 0) return;
        try
        {
            consumer.Resume(paused);
        }
        catch (KafkaException ex)
        {
            // Only partitions this client no longer knows fail to resume, and those need nothing.
            KafkaListenerLog.ConsumeError(logger, Name, ex.Message);
        }
        paused.Clear();
    }

    /// <summary>Sleeps between retries while polling, so heartbeats, max.poll.interval and rebalances are served.</summary>
    private void WaitPolling(TimeSpan delay)
    {
        var started = Stopwatch.GetTimestamp();
        while (!stop.IsCancellationRequested && failed.Count > 0)
        {
            var left = delay - Stopwatch.GetElapsedTime(started);
            if (left <= TimeSpan.Zero) return;
            if (Consume(left < PollSlice ? left : PollSlice) is not { } result) continue;
            // A partition assigned during the wait is not paused yet: put the message back and pause it too.
            consumer.Seek(result.TopicPartitionOffset);
            Pause([result.TopicPartition]);
        }
    }

    private ConsumeResult<byte[]?, byte[]?>? Consume(TimeSpan wait)
    {
        if (fatalError is { } fatal) throw new KafkaException(fatal);
        try
        {
            return consumer.Consume(wait);
        }
        catch (ConsumeException ex) when (!ex.Error.IsFatal)
        {
            KafkaListenerLog.ConsumeError(logger, Name, ex.Error.Reason);
            return null;
        }
    }

    private IEnumerable<TopicPartitionOffset> OnAssigned(List<TopicPartition> partitions)
    {
        KafkaListenerLog.Assigned(logger, Name, Describe(partitions));
        return seeker.StartPositions(consumer, partitions, stop);
    }

    private void OnRevoked(List<TopicPartition> partitions)
    {
        // The running batch finishes first, so its offsets are committed while this consumer still owns its partitions.
        // No other batch is prepared while the consumer polls: only messages are dropped.
        if (running is { } run) KafkaListenerLog.RevokingWhileRunning(logger, Name, Describe(partitions), run.Batch.Messages.Count);
        FinishRunning();
        var dropped = pending.Remove(partitions) + failed.Remove(partitions);
        committer.Forget(partitions);
        KafkaListenerLog.Revoked(logger, Name, Describe(partitions), dropped);
    }

    private void OnError(Error error)
    {
        if (error.IsFatal) fatalError = error;
        else KafkaListenerLog.ConsumeError(logger, Name, error.Reason);
    }

    private static KafkaMessage ToMessage(ConsumeResult<byte[]?, byte[]?> result) => new(
        new KafkaPosition(result.Topic, result.Partition.Value, result.Offset.Value),
        result.Message.Key is { } key ? Encoding.UTF8.GetString(key) : null,
        result.Message.Value ?? [],
        result.Message.Timestamp.UtcDateTime);

    private static string Describe(IEnumerable<TopicPartition> partitions) =>
        string.Join(",", partitions.Select(p => p.Partition.Value).Order());

    private static LogLevel LibrdkafkaLogLevel(SyslogLevel level) => level switch
    {
        SyslogLevel.Emergency or SyslogLevel.Alert or SyslogLevel.Critical or SyslogLevel.Error => LogLevel.Error,
        SyslogLevel.Warning => LogLevel.Warning,
        SyslogLevel.Notice or SyslogLevel.Info => LogLevel.Information,
        _ => LogLevel.Debug,
    };
}
