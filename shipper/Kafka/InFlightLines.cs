using NginxPulse.Shipper.Registry;

namespace NginxPulse.Shipper.Kafka;

/// <summary>
/// Lines handed to librdkafka and not yet acknowledged, each in a numbered slot: librdkafka carries the slot number
/// as the message's opaque, so an acknowledgement finds its file's tracker and sequence without a managed object per
/// message. Slots are reused; the in-flight budget bounds how many exist.
/// </summary>
internal sealed class InFlightLines
{
    private readonly Lock gate = new();
    private (AckTracker? Tracker, long Sequence)[] slots = new (AckTracker?, long)[1024];
    private readonly Stack<int> free = new();
    private int used;

    public int Add(AckTracker tracker, long sequence)
    {
        lock (gate)
        {
            if (!free.TryPop(out var slot))
            {
                if (used == slots.Length) Array.Resize(ref slots, slots.Length * 2);
                slot = used++;
            }
            slots[slot] = (tracker, sequence);
            return slot;
        }
    }

    /// <summary>Frees the slot and returns what it held.</summary>
    public (AckTracker Tracker, long Sequence) Remove(int slot)
    {
        lock (gate)
        {
            var (tracker, sequence) = slots[slot];
            slots[slot] = default;
            free.Push(slot);
            return (tracker!, sequence);
        }
    }
}
