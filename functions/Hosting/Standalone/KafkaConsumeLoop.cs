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
/// the function run on each, offsets committed only after it succeeded. A failed batch is retried, as is,
/// forever with backoff while its partitions are paused and the consumer keeps polling (so it stays in
/// its group); it is only dropped when its partitions are revoked, for the new owner reads them again.
/// Runs entirely on one dedicated thread: Consume blocks, and rebalance callbacks run inside it.
/// </summary>
internal sealed class KafkaConsumeLoop : IDisposable
{
    private static readonly TimeSpan PollSlice = TimeSpan.FromMilliseconds(100);

    private readonly ConsumeLoopSettings settings;
    private readonly KafkaFunctionInvoker invoker;
    private readonly ILogger logger;
    private readonly IConsumer<byte[]?, byte[]?> consumer;
    private readonly PendingBatch pending = new();
    private readonly OffsetCommitter committer;
    private readonly StoredOffsetSeeker seeker;
    private readonly HashSet<TopicPartition> paused = [];
    private Error? fatalError;
    private CancellationToken stop;

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
        while (!stop.IsCancellationRequested)
        {
            Collect();
            if (pending.Count > 0) ProcessUntilDone();
            else committer.RetryUncommitted();
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

    private void ProcessUntilDone()
    {
        for (var attempt = 1; ; attempt++)
        {
            stop.ThrowIfCancellationRequested();
            if (pending.Count == 0) break;
            var batch = pending.ToBatch(settings.Trigger.ConsumerGroup);
            var started = Stopwatch.GetTimestamp();
            try
            {
                invoker.InvokeAsync(settings.Registration, batch, stop).GetAwaiter().GetResult();
            }
            catch (Exception ex) when (!(ex is OperationCanceledException && stop.IsCancellationRequested))
            {
                var delay = settings.Retry.DelayBefore(attempt);
                KafkaListenerLog.BatchFailed(logger, ex, Name, batch.Messages.Count, PendingBatch.DescribeRanges(batch), attempt, (long)delay.TotalMilliseconds);
                Pause(consumer.Assignment);
                WaitPolling(delay);
                continue;
            }
            committer.Commit(PendingBatch.NextOffsets(batch));
            KafkaListenerLog.BatchHandled(logger, Name, batch.Messages.Count, PendingBatch.DescribeRanges(batch),
                (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, attempt);
            break;
        }
        ResumePaused();
    }

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
        while (!stop.IsCancellationRequested && pending.Count > 0)
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
        var dropped = pending.Remove(partitions);
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
