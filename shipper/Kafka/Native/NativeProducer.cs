using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text;
using Confluent.Kafka;

namespace NginxPulse.Shipper.Kafka.Native;

/// <summary>
/// A librdkafka producer driven through its C API: per message only the payload crosses (copied by librdkafka) with
/// a number as its opaque, and delivery reports come back to one callback on a dedicated polling thread — no
/// managed object, delegate or GC handle per message.
/// </summary>
internal sealed unsafe class NativeProducer : IDisposable
{
    private const int ErrorTextSize = 512;

    private readonly IntPtr handle;
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
            RdKafka.ConfSetDeliveryCallback(conf, &OnDelivery);
            RdKafka.ConfSetErrorCallback(conf, &OnError);
            RdKafka.ConfSetLogCallback(conf, &OnLog);
            var error = stackalloc byte[ErrorTextSize];
            handle = RdKafka.New(RdKafka.ProducerType, conf, error, ErrorTextSize);
            if (handle == IntPtr.Zero) throw new ArgumentException(RdKafka.Text(error));
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

    /// <summary>Hands a copy of the message to librdkafka; returns librdkafka's error (NoError when queued).</summary>
    /// <exception cref="ObjectDisposedException">the producer was disposed</exception>
    public ErrorCode Produce(string topic, ReadOnlySpan<byte> value, ReadOnlySpan<byte> key, nint opaque)
    {
        lock (producing)
        {
            ObjectDisposedException.ThrowIf(destroyed, this);
            if (!ReferenceEquals(topic, producedTopicName))
            {
                producedTopic = Topic(topic);
                producedTopicName = topic;
            }
            fixed (byte* v = value)
            fixed (byte* k = key)
            {
                return RdKafka.Produce(producedTopic, RdKafka.UnassignedPartition, RdKafka.CopyPayload, v, (nuint)value.Length, k, (nuint)key.Length, opaque) == 0
                    ? ErrorCode.NoError
                    : (ErrorCode)RdKafka.LastError();
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
        while (!stopping) RdKafka.Poll(handle, 100);
    }

    private static IProducerEvents EventsOf(IntPtr opaque) => ((NativeProducer)GCHandle.FromIntPtr(opaque).Target!).events;

    // The callbacks run on librdkafka's threads: an exception escaping them would end the process, so each one
    // hands what it caught to the events (which log it) instead.

    [UnmanagedCallersOnly]
    private static void OnDelivery(IntPtr rk, RdKafka.Message* message, IntPtr opaque)
    {
        var events = EventsOf(opaque);
        try { events.Delivered(message->Opaque, (ErrorCode)message->Err, message->Topic, new ReadOnlySpan<byte>(message->Payload, (int)message->Length)); }
        catch (Exception e) { events.CallbackFailed(e); }
    }

    [UnmanagedCallersOnly]
    private static void OnError(IntPtr rk, int error, byte* reason, IntPtr opaque)
    {
        var producer = (NativeProducer)GCHandle.FromIntPtr(opaque).Target!;
        try
        {
            if ((ErrorCode)error == ErrorCode.Local_Fatal)
            {
                var (code, text) = producer.FatalError();
                producer.events.Error(code, text, fatal: true);
            }
            else producer.events.Error((ErrorCode)error, RdKafka.Text(reason), fatal: false);
        }
        catch (Exception e) { producer.events.CallbackFailed(e); }
    }

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
        var reports = RdKafka.QueueGetMain(handle);
        RdKafka.QueueYield(reports);
        RdKafka.QueueDestroy(reports);
        polling.Join();
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
