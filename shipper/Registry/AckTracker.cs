using System.Runtime.CompilerServices;

namespace NginxPulse.Shipper.Registry;

/// <summary>
/// The offset up to which every line of one file is acknowledged. Acknowledgements can arrive out of order (retries,
/// several partitions), so each produced line takes a slot in send order and the acknowledged offset advances only
/// over a contiguous run of completed slots.
/// </summary>
public sealed class AckTracker(long startOffset)
{
    private readonly Lock gate = new();
    private long[] ends = new long[64];
    private bool[] done = new bool[64];
    private long head;   // sequence number of the oldest unacknowledged line
    private long tail;   // sequence number the next line gets
    private long acked = startOffset;

    public long AckedOffset { get { lock (gate) return acked; } }

    public int InFlight { get { lock (gate) return (int)(tail - head); } }

    /// <summary>Registers lines ending (exclusive) at <paramref name="lineEnds"/>, in file order; returns the first one's sequence number (the others follow).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // per line or batch: optimised from the first call, no tier-0 phase at the start of a backfill
    public long Add(ReadOnlySpan<long> lineEnds)
    {
        lock (gate)
        {
            while (tail - head + lineEnds.Length > ends.Length) Grow();
            var first = tail;
            foreach (var end in lineEnds)
            {
                var slot = (int)(tail % ends.Length);
                ends[slot] = end;
                done[slot] = false;
                tail++;
            }
            return first;
        }
    }

    public void Complete(long sequence) => Complete([sequence]);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // per line or batch: optimised from the first call, no tier-0 phase at the start of a backfill
    public void Complete(ReadOnlySpan<long> sequences)
    {
        lock (gate)
        {
            foreach (var sequence in sequences) done[(int)(sequence % ends.Length)] = true;
            while (head < tail && done[(int)(head % ends.Length)])
            {
                acked = ends[(int)(head % ends.Length)];
                head++;
            }
        }
    }

    private void Grow()
    {
        var newEnds = new long[ends.Length * 2];
        var newDone = new bool[ends.Length * 2];
        for (var s = head; s < tail; s++)
        {
            newEnds[s % newEnds.Length] = ends[s % ends.Length];
            newDone[s % newDone.Length] = done[s % ends.Length];
        }
        ends = newEnds;
        done = newDone;
    }
}
