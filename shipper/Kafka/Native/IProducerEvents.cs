using Confluent.Kafka;

namespace NginxPulse.Shipper.Kafka.Native;

/// <summary>What librdkafka reports back; called on librdkafka's and the delivery thread, so implementations are thread-safe.</summary>
internal interface IProducerEvents
{
    /// <summary>Messages librdkafka is done with (acknowledged or failed), hundreds at a time; only one thread calls it.</summary>
    void Delivered(ReadOnlySpan<DeliveryReport> reports);

    void Error(ErrorCode code, string reason, bool fatal);

    void Log(SyslogLevel level, string facility, string message);

    /// <summary>A handler above threw; librdkafka's threads cannot take exceptions.</summary>
    void CallbackFailed(Exception exception);
}
