using System.Runtime.CompilerServices;
using Confluent.Kafka;
using NginxPulse.Shipper.Kafka;
using NginxPulse.Shipper.Kafka.Native;
using NginxPulse.Shipper.Registry;
using Xunit;

namespace NginxPulse.Shipper.Tests;

public sealed class NativeProducerTests
{
    [Fact]
    public void A_setting_librdkafka_does_not_know_is_refused_with_its_reason()
    {
        var e = Assert.Throws<ArgumentException>(() => new NativeProducer([new("no.such.property", "1")], new IgnoredEvents()));
        Assert.Contains("no.such.property", e.Message);
    }

    [Fact]
    public void A_disposed_producer_refuses_messages_instead_of_handing_them_to_a_destroyed_handle()
    {
        var producer = new NativeProducer([new("bootstrap.servers", "127.0.0.1:1")], new IgnoredEvents());
        var messages = Messages(2);
        producer.ProduceBatch("t", messages, "k"u8);
        Assert.All(messages, m => Assert.Equal(ErrorCode.NoError, (ErrorCode)m.Err));
        producer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => producer.ProduceBatch("t", Messages(1), "k"u8));
    }

    [Fact]
    public void A_batch_reports_each_refused_message_in_its_place_and_queues_the_others()
    {
        using var producer = new NativeProducer([new("bootstrap.servers", "127.0.0.1:1"), new("message.max.bytes", "1000")], new IgnoredEvents());
        var messages = Messages(3, oversized: 1);
        producer.ProduceBatch("t", messages, "k"u8);
        Assert.Equal([ErrorCode.NoError, ErrorCode.MsgSizeTooLarge, ErrorCode.NoError], messages.Select(m => (ErrorCode)m.Err));
        Assert.Equal(2, producer.Flush(TimeSpan.Zero));
    }

    /// <summary>Messages of 10 bytes (the one at <paramref name="oversized"/>: 5000), opaques 1, 2, ….</summary>
    private static unsafe RdKafka.Message[] Messages(int count, int oversized = -1) =>
        Enumerable.Range(0, count).Select(i => new RdKafka.Message
        {
            Payload = (byte*)Unsafe.AsPointer(ref Payload[0]),
            Length = (nuint)(i == oversized ? Payload.Length : 10),
            Opaque = i + 1,
        }).ToArray();

    // Pinned and always referenced, so the messages' pointers into it stay valid.
    private static readonly byte[] Payload = GC.AllocateArray<byte>(5000, pinned: true);

    private sealed class IgnoredEvents : IProducerEvents
    {
        public void Delivered(ReadOnlySpan<DeliveryReport> reports) { }
        public void Error(ErrorCode code, string reason, bool fatal) { }
        public void Log(SyslogLevel level, string facility, string message) { }
        public void CallbackFailed(Exception exception) { }
    }
}
