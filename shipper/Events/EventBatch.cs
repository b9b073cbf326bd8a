using System.Buffers;

namespace NginxPulse.Shipper.Events;

/// <summary>
/// The events of one read of a file, written back to back into one buffer, each with the file range of its line.
/// The lines of a batch are consecutive in the file. The buffer is pinned: the producer hands librdkafka pointers to
/// the events, which must stay valid while it waits for room in librdkafka's queue.
/// </summary>
public sealed class EventBatch : IBufferWriter<byte>
{
    /// <summary>
    /// Lines per batch at most: large enough that the producer's per-batch work (the in-flight budget, the file's
    /// tracker, librdkafka's lock) is shared by hundreds of lines, small enough that a batch of tiny lines stays a
    /// few hundred KiB.
    /// </summary>
    public const int MaxLines = 1024;

    private byte[] bytes = GC.AllocateUninitializedArray<byte>(128 * 1024, pinned: true);
    private int written;
    private readonly int[] eventStarts = new int[MaxLines + 1];
    private readonly long[] lineStarts = new long[MaxLines];
    private readonly long[] lineEnds = new long[MaxLines];
    private readonly bool[] truncated = new bool[MaxLines];

    public int Count { get; private set; }

    public bool IsFull => Count == MaxLines;

    /// <summary>Ends (exclusive file offsets) of the lines, in file order.</summary>
    public ReadOnlySpan<long> Ends => lineEnds.AsSpan(0, Count);

    public ReadOnlySpan<byte> Event(int index) => bytes.AsSpan(eventStarts[index], eventStarts[index + 1] - eventStarts[index]);

    /// <summary>Ends the event written since the previous one: the line at [<paramref name="lineStart"/>, <paramref name="lineEnd"/>) of the file.</summary>
    public void Commit(long lineStart, long lineEnd, bool isTruncated)
    {
        lineStarts[Count] = lineStart;
        lineEnds[Count] = lineEnd;
        truncated[Count] = isTruncated;
        eventStarts[++Count] = written;
    }

    /// <summary>File bytes of <paramref name="count"/> lines from <paramref name="from"/>, newlines included.</summary>
    public long FileBytes(int from, int count) => lineEnds[from + count - 1] - lineStarts[from];

    public int TruncatedLines(int from, int count) => truncated.AsSpan(from, count).Count(true);

    public void Clear()
    {
        Count = 0;
        written = 0;
    }

    public void Write(ReadOnlySpan<byte> data)
    {
        data.CopyTo(GetSpan(data.Length));
        written += data.Length;
    }

    public void Advance(int count) => written += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return bytes.AsMemory(written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return bytes.AsSpan(written);
    }

    private void Reserve(int sizeHint)
    {
        var needed = written + Math.Max(sizeHint, 1);
        if (needed > bytes.Length)
        {
            // Only while events are written, never while the producer holds pointers into the buffer.
            var bigger = GC.AllocateUninitializedArray<byte>(Math.Max(needed, bytes.Length * 2), pinned: true);
            bytes.AsSpan(0, written).CopyTo(bigger);
            bytes = bigger;
        }
    }
}
