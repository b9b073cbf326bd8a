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

    public ValueTask AcquireAsync(int size, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (TryTake(size)) return ValueTask.CompletedTask;
        }
        return WaitAsync(size, cancellationToken);
    }

    private async ValueTask WaitAsync(int size, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task wait;
            lock (gate)
            {
                if (TryTake(size)) return;
                released ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = released.Task;
            }
            await wait.WaitAsync(cancellationToken);
        }
    }

    public void Release(int size)
    {
        TaskCompletionSource? wake;
        lock (gate)
        {
            messages--;
            bytes -= size;
            wake = released;
            released = null;
        }
        wake?.TrySetResult();
    }

    // A single event larger than the byte budget still goes through when nothing else is in flight.
    private bool TryTake(int size)
    {
        if (messages >= maxMessages || (bytes + size > maxBytes && messages > 0)) return false;
        messages++;
        bytes += size;
        return true;
    }
}
