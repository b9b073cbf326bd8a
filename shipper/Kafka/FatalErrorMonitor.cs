using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace NginxPulse.Shipper.Kafka;

/// <summary>
/// Stops the agent on an error it cannot recover from in-process (a fatal idempotent-producer error). The registry
/// holds only acknowledged offsets, so a restart (systemd Restart=always) resumes without loss.
/// </summary>
public sealed class FatalErrorMonitor(IHostApplicationLifetime lifetime, ILogger<FatalErrorMonitor> logger)
{
    private int failed;

    public bool HasFailed => Volatile.Read(ref failed) == 1;

    public void Fail(string reason)
    {
        if (Interlocked.Exchange(ref failed, 1) == 1) return;
        logger.LogCritical("Stopping: {Reason}. The registry keeps only acknowledged offsets; a restart resumes from there", reason);
        lifetime.StopApplication();
    }
}
