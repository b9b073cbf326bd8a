using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text;
using Confluent.Kafka;

namespace NginxPulse.Shipper.Kafka.Native;

/// <summary>
/// A librdkafka producer driven through its C API: per message only the payload crosses (copied by librdkafka) with
/// a number as its opaque, and delivery reports come back as events of hundreds of messages each, served by a
/// dedicated polling thread — no managed object, delegate or GC handle per message, no call per delivery.
/// </summary>
internal sealed unsafe class NativeProducer : IDisposable
{
    private const int ErrorTextSize = 512;
    private const int ReportsPerCall = 1024;   // messages taken from a delivery report event at a time

    private readonly IntPtr handle;
    private readonly IntPtr reports;   // the main queue: delivery reports and errors
    private readonly IProducerEvents events;
    private readonly Lock topicsGate = new();
    private readonly ConcurrentDictionary<string, IntPtr> topics = new(StringComparer.Ordinal);
    private readonly Thread polling;
    // A retry can still be producing while the agent shuts down: librdkafka's handle must not go away under it.
    private readonly Lock producing = new();
    private bool destroyed;
    private string? producedTopicName;   // the topic of the previous message and its handle: usually the next one's
    private IntPtr producedTopic;
    private GCHandle self;
    private volatile bool stopping;

    /// <exception cref="ArgumentException">librdkafka rejected a setting; the message is librdkafka's reason</exception>
    public NativeProducer(IEnumerable<KeyValuePair<string, string>> settings, IProducerEvents events)
    {
        this.events = events;
        var conf = RdKafka.ConfNew();
        self = GCHandle.Alloc(this);
        try
        {
            foreach (var (name, value) in settings) Set(conf, name, value);
            RdKafka.ConfSetOpaque(conf, GCHandle.ToIntPtr(self));
            RdKafka.ConfSetEvents(conf, RdKafka.DeliveryReportEvent | RdKafka.ErrorEvent);
            RdKafka.ConfSetLogCallback(conf, &OnLog);
            var error = stackalloc byte[ErrorTextSize];
            handle = RdKafka.New(RdKafka.ProducerType, conf, error, ErrorTextSize);
            if (handle == IntPtr.Zero) throw new ArgumentException(RdKafka.Text(error));
            reports = RdKafka.QueueGetMain(handle);
        }
        catch
        {
            RdKafka.ConfDestroy(conf);  // rd_kafka_new owns the configuration only when it succeeds
            self.Free();
            throw;
        }
        polling = new Thread(Poll) { IsBackground = true, Name = "librdkafka delivery reports" };
        polling.Start();
    }

    /// <summary>
    /// Hands copies of the messages (payload, length and opaque set; the key is set here) to librdkafka in one call;
    /// each message's <see cref="RdKafka.Message.Err"/> says whether it was queued.
    /// </summary>
    /// <exception cref="ObjectDisposedException">the producer was disposed</exception>
    public void ProduceBatch(string topic, Span<RdKafka.Message> messages, ReadOnlySpan<byte> key)
    {
        lock (producing)
        {
            ObjectDisposedException.ThrowIf(destroyed, this);
            if (!ReferenceEquals(topic, producedTopicName))
            {
                producedTopic = Topic(topic);
                producedTopicName = topic;
            }
            fixed (byte* k = key)
            fixed (RdKafka.Message* m = messages)
            {
                for (var i = 0; i < messages.Length; i++)
                {
                    m[i].Key = k;
                    m[i].KeyLength = (nuint)key.Length;
                }
                RdKafka.ProduceBatch(producedTopic, RdKafka.UnassignedPartition, RdKafka.CopyPayload, m, messages.Length);
            }
        }
    }

    /// <summary>Asks the cluster for the topic's metadata now, so the first message need not wait for it.</summary>
    public ErrorCode LearnTopic(string topic, TimeSpan timeout)
    {
        IntPtr metadata;
        var error = (ErrorCode)RdKafka.Metadata(handle, 0, Topic(topic), &metadata, (int)timeout.TotalMilliseconds);
        if (error == ErrorCode.NoError) RdKafka.MetadataDestroy(metadata);
        return error;
    }

    /// <summary>Waits until every queued message is delivered or the timeout passes; returns the messages still out.</summary>
    public int Flush(TimeSpan timeout)
    {
        RdKafka.Flush(handle, (int)Math.Min(int.MaxValue, timeout.TotalMilliseconds));
        return RdKafka.OutQueueLength(handle);
    }

    public string TopicName(IntPtr rkt) => RdKafka.Text(RdKafka.TopicName(rkt));

    /// <summary>The error that made the producer unusable (idempotence guarantees could no longer hold).</summary>
    public (ErrorCode Code, string Reason) FatalError()
    {
        var text = stackalloc byte[ErrorTextSize];
        var code = (ErrorCode)RdKafka.FatalError(handle, text, ErrorTextSize);
        return (code, RdKafka.Text(text));
    }

    private IntPtr Topic(string name)
    {
        if (topics.TryGetValue(name, out var known)) return known;
        lock (topicsGate)
        {
            if (topics.TryGetValue(name, out var rkt)) return rkt;
            fixed (byte* utf8 = Utf8z(name)) rkt = RdKafka.TopicNew(handle, utf8, IntPtr.Zero);
            if (rkt == IntPtr.Zero) throw new ArgumentException($"topic '{name}' rejected by librdkafka: {RdKafka.Describe(RdKafka.LastError())}");
            topics[name] = rkt;
            return rkt;
        }
    }

    private static void Set(IntPtr conf, string name, string value)
    {
        var error = stackalloc byte[ErrorTextSize];
        fixed (byte* n = Utf8z(name))
        fixed (byte* v = Utf8z(value))
        {
            if (RdKafka.ConfSet(conf, n, v, error, ErrorTextSize) != RdKafka.ConfOk) throw new ArgumentException(RdKafka.Text(error));
        }
    }

    private static byte[] Utf8z(string text) => Encoding.UTF8.GetBytes(text + '\0');

    private void Poll()
    {
        var messages = (RdKafka.Message**)NativeMemory.Alloc(ReportsPerCall, (nuint)sizeof(RdKafka.Message*));
        try
        {
            while (!stopping)
            {
                var reportOrError = RdKafka.QueuePoll(reports, 100);
                if (reportOrError == IntPtr.Zero) continue;
                // An exception must not end this thread: every later delivery would go unreported.
                try { Serve(reportOrError, messages); }
                catch (Exception e) { events.CallbackFailed(e); }
                finally { RdKafka.EventDestroy(reportOrError); }
            }
        }
        finally { NativeMemory.Free(messages); }
    }

    private void Serve(IntPtr rkev, RdKafka.Message** messages)
    {
        switch (RdKafka.EventType(rkev))
        {
            case RdKafka.DeliveryReportEvent:
                nuint count;
                while ((count = RdKafka.EventMessageArray(rkev, messages, ReportsPerCall)) > 0)
                    events.Delivered(new ReadOnlySpan<DeliveryReport>(messages, (int)count));
                break;
            case RdKafka.ErrorEvent:
                var code = (ErrorCode)RdKafka.EventError(rkev);
                if (code == ErrorCode.Local_Fatal || RdKafka.EventErrorIsFatal(rkev) != 0)
                {
                    // Reported with the error that made the producer unusable, not as Local_Fatal.
                    var (fatalCode, reason) = FatalError();
                    events.Error(fatalCode, reason, fatal: true);
                }
                else events.Error(code, RdKafka.Text(RdKafka.EventErrorString(rkev)), fatal: false);
                break;
        }
    }

    private static IProducerEvents EventsOf(IntPtr opaque) => ((NativeProducer)GCHandle.FromIntPtr(opaque).Target!).events;

    // The log callback runs on librdkafka's threads: an exception escaping it would end the process, so it hands
    // what it caught to the events (which log it) instead.

    [UnmanagedCallersOnly]
    private static void OnLog(IntPtr rk, int level, byte* facility, byte* message)
    {
        var events = EventsOf(RdKafka.Opaque(rk));
        try { events.Log((SyslogLevel)level, RdKafka.Text(facility), RdKafka.Text(message)); }
        catch (Exception e) { events.CallbackFailed(e); }
    }

    public void Dispose()
    {
        stopping = true;
        // Wakes the polling thread, which would otherwise sit out the rest of its poll (up to 100 ms at every exit).
        // rd_kafka_yield would not: it only affects the thread that calls it.
        RdKafka.QueueYield(reports);
        polling.Join();
        RdKafka.QueueDestroy(reports);
        lock (producing) destroyed = true;
        lock (topicsGate)
        {
            foreach (var rkt in topics.Values) RdKafka.TopicDestroy(rkt);
            topics.Clear();
        }
        RdKafka.Destroy(handle);
        self.Free();
    }
}
