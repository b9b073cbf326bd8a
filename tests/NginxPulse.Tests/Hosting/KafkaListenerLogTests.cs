using NginxPulse.Functions.Hosting.Standalone;
using NginxPulse.Tests.Support;
using Xunit;

namespace NginxPulse.Tests.Hosting;

/// <summary>What the standalone consumer's batch log says about the commit must match what happened.</summary>
public sealed class KafkaListenerLogTests
{
    [Fact]
    public void A_handled_batch_whose_commit_failed_is_not_logged_as_committed()
    {
        using var logs = new RecordingLoggerProvider();
        var logger = logs.CreateLogger("test");

        KafkaListenerLog.BatchHandled(logger, "IngestAccessLogs", 300, "p0:0-99", 12, 1, committed: false);
        KafkaListenerLog.BatchHandled(logger, "IngestAccessLogs", 300, "p0:100-199", 12, 1, committed: true);

        var messages = logs.Messages.ToArray();
        Assert.Contains("offsets not committed yet", messages[0], StringComparison.Ordinal);
        Assert.DoesNotContain("offsets committed", messages[0], StringComparison.Ordinal);
        Assert.EndsWith("; offsets committed", messages[1], StringComparison.Ordinal);
    }
}
