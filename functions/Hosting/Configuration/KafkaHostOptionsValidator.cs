using Microsoft.Extensions.Options;

namespace NginxPulse.Functions.Hosting.Configuration;

/// <summary>Rejects host.json Kafka values the extension would reject, naming the host.json path.</summary>
public sealed class KafkaHostOptionsValidator : IValidateOptions<KafkaHostOptions>
{
    public ValidateOptionsResult Validate(string? name, KafkaHostOptions options)
    {
        var failures = new List<string>();
        void Positive(int? value, string key)
        {
            if (value is <= 0) failures.Add($"host.json extensions.kafka.{key} must be > 0 (is {value})");
        }
        Positive(options.MaxBatchSize, "maxBatchSize");
        Positive(options.SubscriberIntervalInSeconds, "subscriberIntervalInSeconds");
        Positive(options.ExecutorChannelCapacity, "executorChannelCapacity");
        Positive(options.SessionTimeoutMs, "sessionTimeoutMs");
        Positive(options.MetadataMaxAgeMs, "metadataMaxAgeMs");
        Positive(options.MaxPollIntervalMs, "maxPollIntervalMs");
        Positive(options.ReconnectBackoffMs, "reconnectBackoffMs");
        Positive(options.ReconnectBackoffMaxMs, "reconnectBackoffMaxMs");
        Positive(options.QueuedMinMessages, "queuedMinMessages");
        Positive(options.QueuedMaxMessagesKbytes, "queuedMaxMessagesKbytes");
        Positive(options.MaxPartitionFetchBytes, "maxPartitionFetchBytes");
        Positive(options.FetchMaxBytes, "fetchMaxBytes");
        if (options.MaxRetries < -1) failures.Add($"host.json extensions.kafka.maxRetries must be -1 (forever) or more (is {options.MaxRetries})");
        if (options.StatisticsIntervalMs is < 0) failures.Add("host.json extensions.kafka.statisticsIntervalMs must be >= 0");
        if (options.MaxPollIntervalMs is { } poll && poll < options.SessionTimeoutMs)
            failures.Add($"host.json extensions.kafka.maxPollIntervalMs ({poll}) must be >= sessionTimeoutMs ({options.SessionTimeoutMs})");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
