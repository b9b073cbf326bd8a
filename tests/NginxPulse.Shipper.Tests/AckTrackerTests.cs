using NginxPulse.Shipper.Registry;
using Xunit;

namespace NginxPulse.Shipper.Tests;

public sealed class AckTrackerTests
{
    [Fact]
    public void The_acknowledged_offset_advances_only_over_a_contiguous_run_of_completed_lines()
    {
        var tracker = new AckTracker(100);
        var a = tracker.Add([150]);
        var b = tracker.Add([200]);
        var c = tracker.Add([260]);

        tracker.Complete(c);
        Assert.Equal(100, tracker.AckedOffset);
        tracker.Complete(a);
        Assert.Equal(150, tracker.AckedOffset);
        tracker.Complete(b);
        Assert.Equal(260, tracker.AckedOffset);
        Assert.Equal(0, tracker.InFlight);
    }

    [Fact]
    public void Many_lines_in_flight_keep_their_order_when_the_tracker_grows()
    {
        var tracker = new AckTracker(0);
        var sequences = Enumerable.Range(1, 1000).Select(i => tracker.Add([i * 10])).ToList();
        foreach (var s in sequences.Skip(1).Reverse()) tracker.Complete(s);
        Assert.Equal(0, tracker.AckedOffset);
        Assert.Equal(1000, tracker.InFlight);
        tracker.Complete(sequences[0]);
        Assert.Equal(10_000, tracker.AckedOffset);
    }
}
