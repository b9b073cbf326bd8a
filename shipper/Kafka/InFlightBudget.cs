using System.Runtime.CompilerServices;
using NginxPulse.Shipper.Events;

namespace NginxPulse.Shipper.Kafka;

/// <summary>
/// Bounds what is produced but not yet acknowledged. Readers wait here when Kafka is slow or down, so the log files
/// stay the buffer and memory stays flat.
/// </summary>
public sealed class InFlightBudget(int maxMessages, long maxBytes)
{
    private readonly Lock gate = new();
    private int messages;
    private long bytes;
    private TaskCompletionSource? released;

    public int Messages { get { lock (gate) return messages; } }
    public long Bytes { get { lock (gate) return bytes; } }

    /// <summary>
    /// Takes room for as many of the batch's events from <paramref name="from"/> on as fit, at least one (waiting until
    /// one fits); returns how many.
    /// </summary>
    public ValueTask<int> AcquireAsync(EventBatch batch, int from, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            var taken = TryTake(batch, from);
            if (taken > 0) return ValueTask.FromResult(taken);
        }
        return WaitAsync(batch, from, cancellationToken);
    }

    private async ValueTask<int> WaitAsync(EventBatch batch, int from, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task wait;
            lock (gate)
            {
                var taken = TryTake(batch, from);
                if (taken > 0) return taken;
                released ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = released.Task;
            }
            await wait.WaitAsync(cancellationToken);
        }
    }

    public void Release(int count, long size)
    {
        TaskCompletionSource? wake;
        lock (gate)
        {
            messages -= count;
            bytes -= size;
            wake = released;
            released = null;
        }
        wake?.TrySetResult();
    }

    // A single event larger than the byte budget still goes through when nothing else is in flight.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // per line or batch: optimised from the first call, no tier-0 phase at the start of a backfill
    private int TryTake(EventBatch batch, int from)
    {
        var taken = 0;
        for (var i = from; i < batch.Count && messages < maxMessages; i++)
        {
            var size = batch.Event(i).Length;
            if (bytes + size > maxBytes && messages > 0) break;
            messages++;
            bytes += size;
            taken++;
        }
        return taken;
    }
}
