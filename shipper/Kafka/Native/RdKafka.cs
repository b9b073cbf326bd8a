using System.Runtime.InteropServices;

namespace NginxPulse.Shipper.Kafka.Native;

/// <summary>
/// The part of librdkafka's C API the producer uses (rdkafka.h of librdkafka 2.0, Debian's librdkafka1). Everything
/// here is blittable: strings cross as NUL-terminated UTF-8 the caller pins.
/// </summary>
internal static unsafe partial class RdKafka
{
    private const string Library = "librdkafka.so.1";

    public const int ProducerType = 0;               // RD_KAFKA_PRODUCER
    public const int UnassignedPartition = -1;       // RD_KAFKA_PARTITION_UA
    public const int CopyPayload = 0x2;              // RD_KAFKA_MSG_F_COPY
    public const int ConfOk = 0;                     // RD_KAFKA_CONF_OK
    public const int DeliveryReportEvent = 0x1;      // RD_KAFKA_EVENT_DR
    public const int ErrorEvent = 0x8;               // RD_KAFKA_EVENT_ERROR

    [StructLayout(LayoutKind.Sequential)]
    public struct Message
    {
        public int Err;
        public IntPtr Topic;
        public int Partition;
        public byte* Payload;
        public nuint Length;
        public byte* Key;
        public nuint KeyLength;
        public long Offset;
        public IntPtr Opaque;                        // _private: the msg_opaque given to rd_kafka_produce
    }

    [LibraryImport(Library, EntryPoint = "rd_kafka_conf_new")]
    public static partial IntPtr ConfNew();

    [LibraryImport(Library, EntryPoint = "rd_kafka_conf_destroy")]
    public static partial void ConfDestroy(IntPtr conf);

    [LibraryImport(Library, EntryPoint = "rd_kafka_conf_set")]
    public static partial int ConfSet(IntPtr conf, byte* name, byte* value, byte* errstr, nuint errstrSize);

    [LibraryImport(Library, EntryPoint = "rd_kafka_conf_set_opaque")]
    public static partial void ConfSetOpaque(IntPtr conf, IntPtr opaque);

    /// <summary>The events (<see cref="DeliveryReportEvent"/>, …) that come back from <see cref="QueuePoll"/> instead of through callbacks.</summary>
    [LibraryImport(Library, EntryPoint = "rd_kafka_conf_set_events")]
    public static partial void ConfSetEvents(IntPtr conf, int events);

    [LibraryImport(Library, EntryPoint = "rd_kafka_conf_set_log_cb")]
    public static partial void ConfSetLogCallback(IntPtr conf, delegate* unmanaged<IntPtr, int, byte*, byte*, void> callback);

    /// <summary>Takes ownership of <paramref name="conf"/> when it succeeds.</summary>
    [LibraryImport(Library, EntryPoint = "rd_kafka_new")]
    public static partial IntPtr New(int type, IntPtr conf, byte* errstr, nuint errstrSize);

    [LibraryImport(Library, EntryPoint = "rd_kafka_destroy")]
    public static partial void Destroy(IntPtr rk);

    [LibraryImport(Library, EntryPoint = "rd_kafka_opaque")]
    public static partial IntPtr Opaque(IntPtr rk);

    /// <summary>The queue delivery reports and errors arrive on; release it with <see cref="QueueDestroy"/>.</summary>
    [LibraryImport(Library, EntryPoint = "rd_kafka_queue_get_main")]
    public static partial IntPtr QueueGetMain(IntPtr rk);

    /// <summary>The next event of the queue, or zero after the timeout (or a <see cref="QueueYield"/>); release it with <see cref="EventDestroy"/>.</summary>
    [LibraryImport(Library, EntryPoint = "rd_kafka_queue_poll")]
    public static partial IntPtr QueuePoll(IntPtr rkqu, int timeoutMs);

    [LibraryImport(Library, EntryPoint = "rd_kafka_event_type")]
    public static partial int EventType(IntPtr rkev);

    /// <summary>Frees the event, and with a delivery report event its messages.</summary>
    [LibraryImport(Library, EntryPoint = "rd_kafka_event_destroy")]
    public static partial void EventDestroy(IntPtr rkev);

    /// <summary>The event's next messages (up to <paramref name="size"/>); zero when all were returned.</summary>
    [LibraryImport(Library, EntryPoint = "rd_kafka_event_message_array")]
    public static partial nuint EventMessageArray(IntPtr rkev, Message** messages, nuint size);

    [LibraryImport(Library, EntryPoint = "rd_kafka_event_error")]
    public static partial int EventError(IntPtr rkev);

    [LibraryImport(Library, EntryPoint = "rd_kafka_event_error_string")]
    public static partial byte* EventErrorString(IntPtr rkev);

    [LibraryImport(Library, EntryPoint = "rd_kafka_event_error_is_fatal")]
    public static partial int EventErrorIsFatal(IntPtr rkev);

    /// <summary>Makes a wait on the queue in another thread (<see cref="QueuePoll"/>) return now.</summary>
    [LibraryImport(Library, EntryPoint = "rd_kafka_queue_yield")]
    public static partial void QueueYield(IntPtr rkqu);

    [LibraryImport(Library, EntryPoint = "rd_kafka_queue_destroy")]
    public static partial void QueueDestroy(IntPtr rkqu);

    [LibraryImport(Library, EntryPoint = "rd_kafka_flush")]
    public static partial int Flush(IntPtr rk, int timeoutMs);

    [LibraryImport(Library, EntryPoint = "rd_kafka_outq_len")]
    public static partial int OutQueueLength(IntPtr rk);

    [LibraryImport(Library, EntryPoint = "rd_kafka_topic_new")]
    public static partial IntPtr TopicNew(IntPtr rk, byte* topic, IntPtr conf);

    [LibraryImport(Library, EntryPoint = "rd_kafka_topic_destroy")]
    public static partial void TopicDestroy(IntPtr rkt);

    [LibraryImport(Library, EntryPoint = "rd_kafka_topic_name")]
    public static partial byte* TopicName(IntPtr rkt);

    [LibraryImport(Library, EntryPoint = "rd_kafka_produce")]
    public static partial int Produce(IntPtr rkt, int partition, int flags, byte* payload, nuint length, byte* key, nuint keyLength, IntPtr opaque);

    /// <summary>
    /// Queues the messages in one call (payload, key and the opaque in <see cref="Message.Opaque"/> of each); sets each
    /// message's <see cref="Message.Err"/> and returns how many were queued.
    /// </summary>
    [LibraryImport(Library, EntryPoint = "rd_kafka_produce_batch")]
    public static partial int ProduceBatch(IntPtr rkt, int partition, int flags, Message* messages, int count);

    [LibraryImport(Library, EntryPoint = "rd_kafka_last_error")]
    public static partial int LastError();

    [LibraryImport(Library, EntryPoint = "rd_kafka_fatal_error")]
    public static partial int FatalError(IntPtr rk, byte* errstr, nuint errstrSize);

    [LibraryImport(Library, EntryPoint = "rd_kafka_err2str")]
    public static partial byte* ErrorString(int err);

    [LibraryImport(Library, EntryPoint = "rd_kafka_metadata")]
    public static partial int Metadata(IntPtr rk, int allTopics, IntPtr onlyTopic, IntPtr* metadata, int timeoutMs);

    [LibraryImport(Library, EntryPoint = "rd_kafka_metadata_destroy")]
    public static partial void MetadataDestroy(IntPtr metadata);

    public static string Text(byte* utf8) => Marshal.PtrToStringUTF8((IntPtr)utf8) ?? "";

    public static string Describe(int err) => Text(ErrorString(err));
}
