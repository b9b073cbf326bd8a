namespace NginxPulse.Functions.Hosting.Standalone;

/// <summary>
/// Remembers that a background listener died, so Program can exit non-zero and a supervisor (systemd,
/// Kubernetes) restarts the process instead of leaving it up without consuming.
/// </summary>
public sealed class FatalErrorMonitor
{
    private int failed;

    public bool HasFailed => Volatile.Read(ref failed) == 1;

    public void Report() => Interlocked.Exchange(ref failed, 1);
}
