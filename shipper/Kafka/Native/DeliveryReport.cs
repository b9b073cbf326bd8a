using Confluent.Kafka;

namespace NginxPulse.Shipper.Kafka.Native;

/// <summary>
/// One message of a delivery report event, read in place: a span of these is the event's array of librdkafka
/// message pointers, valid until the event is destroyed.
/// </summary>
internal readonly unsafe struct DeliveryReport(RdKafka.Message* message)
{
    /// <summary>What the message was produced with.</summary>
    public nint Opaque => message->Opaque;

    public ErrorCode Error => (ErrorCode)message->Err;

    /// <summary>The message's topic handle (<see cref="NativeProducer.TopicName"/>).</summary>
    public IntPtr Topic => message->Topic;

    /// <summary>librdkafka's copy of the message.</summary>
    public ReadOnlySpan<byte> Payload => new(message->Payload, (int)message->Length);
}
