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

    public void LineRead(long lineBytes, bool truncated)
    {
        Interlocked.Increment(ref linesRead);
        Interlocked.Add(ref bytesRead, lineBytes);
        if (truncated) Interlocked.Increment(ref linesTruncated);
    }

    public void LineAcked(long lineBytes)
    {
        Interlocked.Increment(ref linesAcked);
        Interlocked.Add(ref bytesAcked, lineBytes);
    }

    public void Error() => Interlocked.Increment(ref errors);
}
