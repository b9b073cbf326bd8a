using Microsoft.Extensions.Logging;

namespace NginxPulse.Shipper.Kafka;

/// <summary>Logs an outage once when it starts and once when it ends, however many errors librdkafka reports between.</summary>
public sealed class KafkaHealth(ILogger<KafkaHealth> logger, TimeProvider clock)
{
    private int down;
    private DateTimeOffset since;

    public void Down(string reason)
    {
        if (Interlocked.CompareExchange(ref down, 1, 0) != 0) return;
        since = clock.GetUtcNow();
        logger.LogWarning("Kafka unavailable ({Reason}); lines stay in the log files and reading pauses when the in-flight limit is reached; retrying until it is back", reason);
    }

    public void Up()
    {
        if (Volatile.Read(ref down) == 0 || Interlocked.CompareExchange(ref down, 0, 1) != 1) return;
        logger.LogInformation("Kafka available again after {Outage:c}; shipping resumed", clock.GetUtcNow() - since);
    }
}
