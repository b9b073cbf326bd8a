using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using NginxPulse.Shipper.Configuration;
using NginxPulse.Shipper.Events;
using NginxPulse.Shipper.Kafka.Native;
using NginxPulse.Shipper.Metrics;
using NginxPulse.Shipper.Registry;

namespace NginxPulse.Shipper.Kafka;

/// <summary>
/// Produces events a batch at a time (never awaiting one message), within the in-flight budget. Each line is
/// acknowledged on its own: its acknowledgement completes the line's slot in its file's <see cref="AckTracker"/>; a
/// failed delivery is produced again after a pause (the idempotent producer and the ingest id make a repeat
/// harmless). Delivery reports come in events of many lines, which share one pass over the slots, the tracker and
/// the budget.
/// </summary>
public sealed class LineProducer : IDisposable, IProducerEvents
{
    private static readonly TimeSpan RetryPause = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan TopicLookupTimeout = TimeSpan.FromSeconds(2);

    private readonly NativeProducer producer;
    private readonly InFlightLines inFlight = new();
    private readonly InFlightBudget budget;
    private readonly ShipperMetrics metrics;
    private readonly KafkaHealth health;
    private readonly FatalErrorMonitor fatal;
    private readonly ILogger<LineProducer> logger;
    private readonly CancellationTokenSource disposed = new();
    private readonly Task learningTopics;
    // Used only by the one thread that serves delivery reports.
    private int[] deliveredSlots = new int[1024];
    private (AckTracker Tracker, long Sequence)[] deliveredLines = new (AckTracker, long)[1024];

    public LineProducer(ShipperOptions options, InFlightBudget budget, ShipperMetrics metrics, KafkaHealth health,
        FatalErrorMonitor fatal, ILogger<LineProducer> logger)
    {
        this.budget = budget;
        this.metrics = metrics;
        this.health = health;
        this.fatal = fatal;
        this.logger = logger;
        Key = Encoding.UTF8.GetBytes(options.Host);
        try
        {
            producer = new NativeProducer(ProducerSettings.For(options), this);
        }
        catch (DllNotFoundException e)
        {
            throw new ShipperConfigurationException($"cannot load librdkafka.so.1 ({e.Message}); install it: apt-get install -y librdkafka1");
        }
        catch (ArgumentException e)
        {
            throw new ShipperConfigurationException($"Kafka settings rejected by librdkafka: {e.Message}");
        }
        var topics = options.Inputs.Select(i => i.Topic).OfType<string>().Append(options.Kafka.Topic).Distinct(StringComparer.Ordinal).ToList();
        learningTopics = Task.Run(() => LearnTopics(topics), CancellationToken.None);
    }

    /// <summary>
    /// librdkafka looks a topic up only at its first message and then waits for its next periodic metadata scan
    /// (up to a second) before it can send anything; asking for the topics' metadata at start-up lets the first
    /// lines go out at once. Best effort: a broker that cannot answer now is simply asked again at the first message.
    /// </summary>
    private void LearnTopics(IReadOnlyList<string> topics)
    {
        foreach (var topic in topics)
        {
            if (disposed.IsCancellationRequested) return;
            var error = producer.LearnTopic(topic, TopicLookupTimeout);
            if (error != ErrorCode.NoError)
                logger.LogDebug("Metadata of topic {Topic} not available at start-up ({Reason}); it is fetched with the first message", topic, error);
        }
    }

    /// <summary>The message key: the host name, so one host's lines keep their order on one partition.</summary>
    public byte[] Key { get; }

    public InFlightBudget Budget => budget;

    /// <summary>
    /// Produces the batch's events from <paramref name="from"/> on that fit in the in-flight budget (at least one,
    /// waiting for room); returns how many. librdkafka copies them before this returns.
    /// </summary>
    public async ValueTask<int> SendAsync(string topic, EventBatch batch, int from, AckTracker tracker, CancellationToken cancellationToken)
    {
        var count = await budget.AcquireAsync(batch, from, cancellationToken);
        var messages = ArrayPool<RdKafka.Message>.Shared.Rent(count);
        try
        {
            Register(batch, from, count, tracker, messages);
            // Past this point the lines hold slots in their file's tracker: each must be produced, or the file's
            // acknowledged offset could never pass it. librdkafka's queue is sized above the budget, so a full
            // queue is rare.
            var waiting = count;
            while ((waiting = TryProduce(topic, messages.AsSpan(0, waiting))) > 0) await Task.Delay(10, CancellationToken.None);
        }
        finally
        {
            ArrayPool<RdKafka.Message>.Shared.Return(messages);
        }
        return count;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // per line or batch: optimised from the first call, no tier-0 phase at the start of a backfill
    private unsafe void Register(EventBatch batch, int from, int count, AckTracker tracker, RdKafka.Message[] messages)
    {
        Span<int> slots = stackalloc int[count];   // at most EventBatch.MaxLines
        inFlight.Add(tracker, tracker.Add(batch.Ends.Slice(from, count)), slots);
        for (var i = 0; i < count; i++)
        {
            var value = batch.Event(from + i);
            // The batch's buffer is pinned, so the pointer stays valid while the lines wait for room.
            messages[i] = new RdKafka.Message
            {
                Payload = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(value)),
                Length = (nuint)value.Length,
                Opaque = slots[i],
            };
        }
    }

    /// <summary>
    /// Produces the messages; returns how many librdkafka's full queue refused, moved to the front of
    /// <paramref name="messages"/> for the next try. Any other refusal is handled like a failed delivery.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // per line or batch: optimised from the first call, no tier-0 phase at the start of a backfill
    private unsafe int TryProduce(string topic, Span<RdKafka.Message> messages)
    {
        producer.ProduceBatch(topic, messages, Key);
        var refused = 0;
        foreach (ref var message in messages)
        {
            var error = (ErrorCode)message.Err;
            if (error == ErrorCode.NoError) continue;
            if (error == ErrorCode.Local_QueueFull) { messages[refused++] = message; continue; }
            Failed((int)message.Opaque, error, topic, new ReadOnlySpan<byte>(message.Payload, (int)message.Length));
        }
        return refused;
    }

    /// <summary>Waits until every produced line is acknowledged or the timeout passes; returns the lines still out.</summary>
    public int Flush(TimeSpan timeout) => producer.Flush(timeout);

    /// <summary>False when librdkafka's queue is full; any other refusal is handled like a failed delivery.</summary>
    private unsafe bool TryProduceAgain(string topic, byte[] value, int slot)
    {
        fixed (byte* payload = value)
        {
            Span<RdKafka.Message> message = [new RdKafka.Message { Payload = payload, Length = (nuint)value.Length, Opaque = slot }];
            return TryProduce(topic, message) == 0;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // per line or batch: optimised from the first call, no tier-0 phase at the start of a backfill
    void IProducerEvents.Delivered(ReadOnlySpan<DeliveryReport> reports)
    {
        if (deliveredSlots.Length < reports.Length)
        {
            deliveredSlots = new int[reports.Length];
            deliveredLines = new (AckTracker, long)[reports.Length];
        }
        var acked = 0;
        long bytes = 0;
        foreach (var report in reports)
        {
            if (report.Error != ErrorCode.NoError)
            {
                Failed((int)report.Opaque, report.Error, producer.TopicName(report.Topic), report.Payload);
                continue;
            }
            deliveredSlots[acked++] = (int)report.Opaque;
            bytes += report.Payload.Length;
        }
        if (acked == 0) return;
        var lines = deliveredLines.AsSpan(0, acked);
        inFlight.Remove(deliveredSlots.AsSpan(0, acked), lines);
        CompleteByFile(lines);
        budget.Release(acked, bytes);
        metrics.AddAcked(acked, bytes);
        health.Up();
    }

    /// <summary>One call per run of lines of the same file (usually the whole event).</summary>
    private static void CompleteByFile(ReadOnlySpan<(AckTracker Tracker, long Sequence)> lines)
    {
        Span<long> sequences = stackalloc long[256];
        var run = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            sequences[run++] = lines[i].Sequence;
            if (run < sequences.Length && i + 1 < lines.Length && ReferenceEquals(lines[i + 1].Tracker, lines[i].Tracker)) continue;
            lines[i].Tracker.Complete(sequences[..run]);
            run = 0;
        }
    }

    private void Failed(int slot, ErrorCode error, string topic, ReadOnlySpan<byte> value)
    {
        metrics.Error();
        if (error == ErrorCode.Local_Fatal)
        {
            var (code, reason) = producer.FatalError();
            fatal.Fail($"Kafka producer fatal error {code}: {reason}");
            return;
        }
        if (error is ErrorCode.MsgSizeTooLarge)
        {
            // Retrying can never succeed; say so loudly with the line's coordinates and move on.
            logger.LogError("An event of {Bytes} bytes exceeds the broker's message size limit and is not shipped (topic {Topic}); lower the input's MaxLineBytes or raise message.max.bytes",
                value.Length, topic);
            var (tracker, sequence) = inFlight.Remove(slot);
            tracker.Complete(sequence);
            budget.Release(1, value.Length);
            return;
        }
        health.Down($"delivery failed: {error} {RdKafka.Describe((int)error)}");
        // The payload is librdkafka's and goes away after this call: keep a copy for the retry.
        _ = RetryAsync(topic, value.ToArray(), slot);
    }

    private async Task RetryAsync(string topic, byte[] value, int slot)
    {
        try
        {
            await Task.Delay(RetryPause, disposed.Token);
            while (!TryProduceAgain(topic, value, slot)) await Task.Delay(10, disposed.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            // Shutting down: the line stays unacknowledged, so the registry re-reads it after the restart.
        }
    }

    void IProducerEvents.Error(ErrorCode code, string reason, bool isFatal)
    {
        if (isFatal) { metrics.Error(); fatal.Fail($"Kafka producer fatal error {code}: {reason}"); return; }
        // A single dropped connection (Local_Transport) is routine — brokers close idle ones — and is not an outage.
        if (code is ErrorCode.Local_AllBrokersDown or ErrorCode.Local_Resolve or ErrorCode.Local_Authentication)
            health.Down($"{code}: {reason}");
    }

    void IProducerEvents.Log(SyslogLevel level, string facility, string message) =>
        logger.Log(LogLevelOf(level), "librdkafka {Facility}: {Message}", facility, message);

    void IProducerEvents.CallbackFailed(Exception exception)
    {
        metrics.Error();
        logger.LogError(exception, "A librdkafka callback failed");
    }

    private static LogLevel LogLevelOf(SyslogLevel level) => level switch
    {
        <= SyslogLevel.Error => LogLevel.Error,
        SyslogLevel.Warning => LogLevel.Warning,
        SyslogLevel.Notice or SyslogLevel.Info => LogLevel.Information,
        _ => LogLevel.Debug,
    };

    public void Dispose()
    {
        disposed.Cancel();
        // librdkafka must not be destroyed while another thread is inside a call on it; each lookup is bounded.
        learningTopics.Wait();
        producer.Dispose();
        disposed.Dispose();
    }
}
