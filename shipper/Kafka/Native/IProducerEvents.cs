using Confluent.Kafka;

namespace NginxPulse.Shipper.Kafka.Native;

/// <summary>What librdkafka reports back; called on librdkafka's and the delivery thread, so implementations are thread-safe.</summary>
internal interface IProducerEvents
{
    /// <param name="opaque">what the message was produced with</param>
    /// <param name="topic">the message's topic handle (<see cref="NativeProducer.TopicName"/>)</param>
    /// <param name="payload">librdkafka's copy of the message, valid only during the call</param>
    void Delivered(nint opaque, ErrorCode error, IntPtr topic, ReadOnlySpan<byte> payload);

    void Error(ErrorCode code, string reason, bool fatal);

    void Log(SyslogLevel level, string facility, string message);

    /// <summary>A handler above threw; librdkafka's threads cannot take exceptions.</summary>
    void CallbackFailed(Exception exception);
}
