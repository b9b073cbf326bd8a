using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using NginxPulse.Shipper.Configuration;
using NginxPulse.Shipper.Metrics;
using NginxPulse.Shipper.Registry;

namespace NginxPulse.Shipper.Kafka;

/// <summary>
/// Produces events with delivery callbacks (never awaiting one message), within the in-flight budget. An
/// acknowledgement completes the line's slot in its file's <see cref="AckTracker"/>; a failed delivery is produced
/// again after a pause (the idempotent producer and the ingest id make a repeat harmless).
/// </summary>
public sealed class LineProducer : IDisposable
{
    private static readonly TimeSpan RetryPause = TimeSpan.FromSeconds(1);

    private readonly IProducer<byte[], byte[]> producer;
    private readonly InFlightBudget budget;
    private readonly ShipperMetrics metrics;
    private readonly KafkaHealth health;
    private readonly FatalErrorMonitor fatal;
    private readonly ILogger<LineProducer> logger;
    private readonly CancellationTokenSource disposed = new();

    public LineProducer(ShipperOptions options, InFlightBudget budget, ShipperMetrics metrics, KafkaHealth health,
        FatalErrorMonitor fatal, ILogger<LineProducer> logger)
    {
        this.budget = budget;
        this.metrics = metrics;
        this.health = health;
        this.fatal = fatal;
        this.logger = logger;
        Key = Encoding.UTF8.GetBytes(options.Host);
        KafkaNativeLibrary.Register();
        try
        {
            producer = new ProducerBuilder<byte[], byte[]>(ProducerSettings.For(options))
                .SetErrorHandler((_, e) => OnError(e))
                .SetLogHandler((_, m) => logger.Log(LogLevelOf(m.Level), "librdkafka {Facility}: {Message}", m.Facility, m.Message))
                .Build();
        }
        catch (DllNotFoundException e)
        {
            throw new ShipperConfigurationException($"cannot load librdkafka.so.1 ({e.Message}); install it: apt-get install -y librdkafka1");
        }
        catch (Exception e) when (e is KafkaException or ArgumentException or InvalidOperationException)
        {
            throw new ShipperConfigurationException($"Kafka settings rejected by librdkafka: {e.Message}");
        }
    }

    /// <summary>The message key: the host name, so one host's lines keep their order on one partition.</summary>
    public byte[] Key { get; }

    public InFlightBudget Budget => budget;

    public async ValueTask SendAsync(string topic, byte[] value, AckTracker tracker, long end, CancellationToken cancellationToken)
    {
        await budget.AcquireAsync(value.Length, cancellationToken);
        var line = new PendingLine(this, topic, new Message<byte[], byte[]> { Key = Key, Value = value }, tracker, tracker.Add(end));
        // Past this point the line holds a slot in its file's tracker: it must be produced, or the file's
        // acknowledged offset could never pass it. librdkafka's queue is sized above the budget, so this is rare.
        while (!TryProduce(line)) await Task.Delay(10, CancellationToken.None);
    }

    /// <summary>Waits until every produced line is acknowledged or the timeout passes; returns the lines still out.</summary>
    public int Flush(TimeSpan timeout) => producer.Flush(timeout);

    private bool TryProduce(PendingLine line)
    {
        try
        {
            producer.Produce(line.Topic, line.Message, line.OnDelivered);
            return true;
        }
        catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
        {
            return false;
        }
    }

    private void Delivered(PendingLine line, DeliveryReport<byte[], byte[]> report)
    {
        if (!report.Error.IsError)
        {
            line.Tracker.Complete(line.Sequence);
            budget.Release(line.Message.Value.Length);
            metrics.LineAcked(line.Message.Value.Length);
            health.Up();
            return;
        }
        metrics.Error();
        if (report.Error.IsFatal)
        {
            fatal.Fail($"Kafka producer fatal error {report.Error.Code}: {report.Error.Reason}");
            return;
        }
        if (report.Error.Code is ErrorCode.MsgSizeTooLarge)
        {
            // Retrying can never succeed; say so loudly with the line's coordinates and move on.
            logger.LogError("An event of {Bytes} bytes exceeds the broker's message size limit and is not shipped (topic {Topic}); lower the input's MaxLineBytes or raise message.max.bytes",
                line.Message.Value.Length, line.Topic);
            line.Tracker.Complete(line.Sequence);
            budget.Release(line.Message.Value.Length);
            return;
        }
        health.Down($"delivery failed: {report.Error.Code} {report.Error.Reason}");
        _ = RetryAsync(line);
    }

    private async Task RetryAsync(PendingLine line)
    {
        try
        {
            await Task.Delay(RetryPause, disposed.Token);
            while (!TryProduce(line)) await Task.Delay(10, disposed.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            // Shutting down: the line stays unacknowledged, so the registry re-reads it after the restart.
        }
    }

    private void OnError(Error e)
    {
        if (e.IsFatal) { metrics.Error(); fatal.Fail($"Kafka producer fatal error {e.Code}: {e.Reason}"); return; }
        // A single dropped connection (Local_Transport) is routine — brokers close idle ones — and is not an outage.
        if (e.Code is ErrorCode.Local_AllBrokersDown or ErrorCode.Local_Resolve or ErrorCode.Local_Authentication)
            health.Down($"{e.Code}: {e.Reason}");
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
        producer.Dispose();
        disposed.Dispose();
    }

    private sealed class PendingLine(LineProducer owner, string topic, Message<byte[], byte[]> message, AckTracker tracker, long sequence)
    {
        public string Topic { get; } = topic;
        public Message<byte[], byte[]> Message { get; } = message;
        public AckTracker Tracker { get; } = tracker;
        public long Sequence { get; } = sequence;

        public void OnDelivered(DeliveryReport<byte[], byte[]> report) => owner.Delivered(this, report);
    }
}
