using System.Runtime.CompilerServices;
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

    /// <summary>Takes a slot for each of the lines <paramref name="firstSequence"/>, +1, … of <paramref name="tracker"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // per line or batch: optimised from the first call, no tier-0 phase at the start of a backfill
    public void Add(AckTracker tracker, long firstSequence, Span<int> taken)
    {
        lock (gate)
        {
            for (var i = 0; i < taken.Length; i++)
            {
                if (!free.TryPop(out var slot))
                {
                    if (used == slots.Length) Array.Resize(ref slots, slots.Length * 2);
                    slot = used++;
                }
                slots[slot] = (tracker, firstSequence + i);
                taken[i] = slot;
            }
        }
    }

    /// <summary>Frees the slot and returns what it held.</summary>
    public (AckTracker Tracker, long Sequence) Remove(int slot)
    {
        Span<(AckTracker, long)> held = new (AckTracker, long)[1];
        Remove([slot], held);
        return held[0];
    }

    /// <summary>Frees the slots and writes what each held to <paramref name="held"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // per line or batch: optimised from the first call, no tier-0 phase at the start of a backfill
    public void Remove(ReadOnlySpan<int> freed, Span<(AckTracker Tracker, long Sequence)> held)
    {
        lock (gate)
        {
            for (var i = 0; i < freed.Length; i++)
            {
                var slot = freed[i];
                held[i] = (slots[slot].Tracker!, slots[slot].Sequence);
                slots[slot] = default;
                free.Push(slot);
            }
        }
    }
}
