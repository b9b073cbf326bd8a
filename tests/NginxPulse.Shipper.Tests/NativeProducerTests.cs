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
        Assert.Equal(ErrorCode.NoError, producer.Produce("t", "x"u8, "k"u8, 1));
        producer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => producer.Produce("t", "x"u8, "k"u8, 2));
    }

    [Fact]
    public void In_flight_slots_return_what_they_hold_and_are_reused_once_freed()
    {
        var lines = new InFlightLines();
        var tracker = new AckTracker(0);
        var taken = new int[2];
        lines.Add(tracker, 7, taken);
        Assert.NotEqual(taken[0], taken[1]);
        Assert.Equal((tracker, 7L), lines.Remove(taken[0]));
        var again = new int[1];
        lines.Add(tracker, 9, again);
        Assert.Equal(taken[0], again[0]);
        var held = new (AckTracker, long)[2];
        lines.Remove([taken[1], again[0]], held);
        Assert.Equal([(tracker, 8L), (tracker, 9L)], held);
    }

    private sealed class IgnoredEvents : IProducerEvents
    {
        public void Delivered(ReadOnlySpan<DeliveryReport> reports) { }
        public void Error(ErrorCode code, string reason, bool fatal) { }
        public void Log(SyslogLevel level, string facility, string message) { }
        public void CallbackFailed(Exception exception) { }
    }
}
