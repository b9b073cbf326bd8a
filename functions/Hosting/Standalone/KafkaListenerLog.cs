using Microsoft.Extensions.Logging;

namespace NginxPulse.Functions.Hosting.Standalone;

/// <summary>Structured log events of the standalone Kafka consumer.</summary>
internal static partial class KafkaListenerLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "{Function}: consuming {Topic} as group {ConsumerGroup} from {BrokerList} (maxBatchSize {MaxBatchSize}, window {WindowSeconds} s)")]
    public static partial void Started(ILogger logger, string function, string topic, string consumerGroup, string brokerList, int maxBatchSize, int windowSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Function}: batch of {BatchSize} messages ({Offsets}) handled in {ElapsedMs} ms after {Attempts} attempt(s); {Commit}")]
    private static partial void BatchHandled(ILogger logger, string function, int batchSize, string offsets, long elapsedMs, int attempts, string commit);

    public static void BatchHandled(ILogger logger, string function, int batchSize, string offsets, long elapsedMs, int attempts, bool committed) =>
        BatchHandled(logger, function, batchSize, offsets, elapsedMs, attempts,
            committed ? "offsets committed" : "offsets not committed yet (stored with the data all the same)");

    [LoggerMessage(Level = LogLevel.Error, Message = "{Function}: batch of {BatchSize} messages ({Offsets}) failed on attempt {Attempt}; partitions paused, retrying in {DelayMs} ms")]
    public static partial void BatchFailed(ILogger logger, Exception ex, string function, int batchSize, string offsets, int attempt, long delayMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Function}: partitions [{Partitions}] being revoked; finishing the running batch of {BatchSize} messages first, so its offsets are committed before they move")]
    public static partial void RevokingWhileRunning(ILogger logger, string function, string partitions, int batchSize);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Function}: partitions [{Partitions}] revoked; dropped {Dropped} in-flight messages (the new owner reads them again)")]
    public static partial void Revoked(ILogger logger, string function, string partitions, int dropped);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Function}: assigned partitions [{Partitions}]")]
    public static partial void Assigned(ILogger logger, string function, string partitions);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Function}: partition {Partition} starts at stored offset {StoredOffset} (Kafka committed {CommittedOffset})")]
    public static partial void SeekToStored(ILogger logger, string function, int partition, long storedOffset, string committedOffset);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Function}: partition {Partition} ends at offset {HighWatermark} but offset {StoredOffset} is stored with the data: the topic was recreated or truncated. Forgetting the stored offset so new messages are not taken for redeliveries (record ids still keep repeats out)")]
    public static partial void StoredOffsetPastEnd(ILogger logger, string function, int partition, long storedOffset, long highWatermark);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Function}: reading stored offsets failed; starting from Kafka's committed offsets (redelivered messages are no-ops)")]
    public static partial void StoredOffsetsFailed(ILogger logger, Exception ex, string function);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Function}: consume error {Reason}")]
    public static partial void ConsumeError(ILogger logger, string function, string reason);

    [LoggerMessage(Level = LogLevel.Critical, Message = "{Function}: consumer stopped on an unrecoverable error; stopping the app so it is restarted")]
    public static partial void Crashed(ILogger logger, Exception ex, string function);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Function}: closing the consumer failed; the group notices after the session timeout")]
    public static partial void CloseFailed(ILogger logger, Exception ex, string function);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Function}: host.json commitOnFailure={CommitOnFailure} maxRetries={MaxRetries} is not applied: the standalone consumer never commits past a failed batch")]
    public static partial void FailurePolicyIgnored(ILogger logger, string function, bool commitOnFailure, int maxRetries);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Function}: consumer closed")]
    public static partial void Closed(ILogger logger, string function);
}
