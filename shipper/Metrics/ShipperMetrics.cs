namespace NginxPulse.Shipper.Metrics;

/// <summary>Process-wide counters, updated lock-free by readers and the delivery thread.</summary>
public sealed class ShipperMetrics
{
    private long linesRead, bytesRead, linesAcked, bytesAcked, linesTruncated, errors;

    public long LinesRead => Interlocked.Read(ref linesRead);
    public long BytesRead => Interlocked.Read(ref bytesRead);
    public long LinesAcked => Interlocked.Read(ref linesAcked);
    public long BytesAcked => Interlocked.Read(ref bytesAcked);
    public long LinesTruncated => Interlocked.Read(ref linesTruncated);
    public long Errors => Interlocked.Read(ref errors);

    public void AddRead(int lines, long fileBytes, int truncated)
    {
        Interlocked.Add(ref linesRead, lines);
        Interlocked.Add(ref bytesRead, fileBytes);
        if (truncated > 0) Interlocked.Add(ref linesTruncated, truncated);
    }

    public void AddAcked(int lines, long eventBytes)
    {
        Interlocked.Add(ref linesAcked, lines);
        Interlocked.Add(ref bytesAcked, eventBytes);
    }

    public void Error() => Interlocked.Increment(ref errors);
}
