using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using NginxPulse.Shipper.Configuration;
using NginxPulse.Shipper.Events;
using NginxPulse.Shipper.Files;
using NginxPulse.Shipper.Kafka;
using NginxPulse.Shipper.Kafka.Native;
using NginxPulse.Shipper.Metrics;
using NginxPulse.Shipper.Registry;
using Xunit;

namespace NginxPulse.Shipper.Tests;

/// <summary>
/// The lines of one read go out together and come back in delivery report events of many lines; each line is still
/// accounted on its own. The producer here has no reachable broker, so only the reports the test hands it arrive.
/// </summary>
public sealed class DeliveryBatchTests
{
    private const string Topic = "t";
    private static readonly Input Input = new(new InputOptions { Paths = ["/p"] }, Topic);

    [Fact]
    public async Task A_failed_delivery_in_the_middle_of_an_event_holds_the_file_offset_before_it_and_the_other_lines_complete()
    {
        var budget = new InFlightBudget(100, 1 << 20);
        var metrics = new ShipperMetrics();
        using var producer = Producer(budget, metrics);
        var batch = Batch(3, lineBytes: 10);
        var tracker = new AckTracker(0);

        Assert.Equal(3, await producer.SendAsync(Topic, batch, 0, tracker, CancellationToken.None));
        // The first three slots of a new producer are 0, 1, 2, in send order.
        Deliver(producer, batch, (0, ErrorCode.NoError), (1, ErrorCode.RequestTimedOut), (2, ErrorCode.NoError));

        Assert.Equal((10L, 2), (tracker.AckedOffset, tracker.InFlight));
        Assert.Equal((1, batch.Event(1).Length), (budget.Messages, (int)budget.Bytes));
        Assert.Equal((2L, 1L), (metrics.LinesAcked, metrics.Errors));

        Deliver(producer, batch, (1, ErrorCode.NoError));
        Assert.Equal((30L, 0), (tracker.AckedOffset, tracker.InFlight));
        Assert.Equal((0, 0L, 3L), (budget.Messages, budget.Bytes, metrics.LinesAcked));
    }

    [Fact]
    public async Task A_batch_takes_only_the_room_the_budget_has_and_the_rest_waits_for_acknowledgements()
    {
        var batch = Batch(6, lineBytes: 100);
        var eventBytes = batch.Event(0).Length;
        var byCount = new InFlightBudget(3, 1 << 20);
        Assert.Equal(3, await byCount.AcquireAsync(batch, 0, CancellationToken.None));
        var waiting = byCount.AcquireAsync(batch, 3, CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);
        byCount.Release(1, eventBytes);
        Assert.Equal(1, await waiting);

        var byBytes = new InFlightBudget(100, eventBytes * 2 + eventBytes / 2);
        Assert.Equal(2, await byBytes.AcquireAsync(batch, 0, CancellationToken.None));
        byBytes.Release(2, eventBytes * 2);
        Assert.Equal(2, await byBytes.AcquireAsync(batch, 2, CancellationToken.None));
    }

    private static LineProducer Producer(InFlightBudget budget, ShipperMetrics metrics)
    {
        var options = new ShipperOptions { Host = "h", Kafka = { BootstrapServers = "127.0.0.1:1", Topic = Topic } };
        var lifetime = new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance);
        return new LineProducer(options, budget, metrics, new KafkaHealth(NullLogger<KafkaHealth>.Instance, TimeProvider.System),
            new FatalErrorMonitor(lifetime, NullLogger<FatalErrorMonitor>.Instance), NullLogger<LineProducer>.Instance);
    }

    /// <summary><paramref name="count"/> lines of <paramref name="lineBytes"/> bytes (newline included) from offset 0.</summary>
    private static EventBatch Batch(int count, int lineBytes)
    {
        var batch = new EventBatch();
        var json = new EventJson(JsonEncodedText.Encode("h"), JsonEncodedText.Encode("f"), batch);
        for (var i = 0; i < count; i++)
            json.Write("/p", Input, i * lineBytes, (i + 1) * lineBytes, Encoding.ASCII.GetBytes(new string((char)('a' + i), lineBytes - 1)), false, DateTime.UnixEpoch);
        return batch;
    }

    /// <summary>Hands the producer one delivery report event: the given slots' messages (payload: the batch's event), each with its outcome.</summary>
    private static unsafe void Deliver(LineProducer producer, EventBatch batch, params (int Slot, ErrorCode Error)[] outcomes)
    {
        // A real topic handle: a failed delivery is produced again to its topic, by name.
        var conf = RdKafka.ConfNew();
        var rk = RdKafka.New(RdKafka.ProducerType, conf, null, 0);
        fixed (byte* name = "t\0"u8)
        {
            var rkt = RdKafka.TopicNew(rk, name, IntPtr.Zero);
            try
            {
                var messages = new RdKafka.Message[outcomes.Length];
                var reports = new DeliveryReport[outcomes.Length];
                fixed (RdKafka.Message* m = messages)
                {
                    for (var i = 0; i < outcomes.Length; i++)
                    {
                        var (slot, error) = outcomes[i];
                        fixed (byte* payload = batch.Event(slot))
                            m[i] = new RdKafka.Message { Err = (int)error, Topic = rkt, Payload = payload, Length = (nuint)batch.Event(slot).Length, Opaque = slot };
                        reports[i] = new DeliveryReport(&m[i]);
                    }
                    ((IProducerEvents)producer).Delivered(reports);
                }
            }
            finally
            {
                RdKafka.TopicDestroy(rkt);
                RdKafka.Destroy(rk);
            }
        }
    }
}
