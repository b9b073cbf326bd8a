using System.Diagnostics;
using NginxPulse.Functions.Hosting;
using NginxPulse.Functions.Kafka;
using NginxPulse.Functions.Storage;

namespace NginxPulse.Functions.IngestAccessLogs;

/// <summary>
/// kafkaTrigger (cardinality many): parse, clean and store a batch of access-log events exactly once. Bad lines
/// become dead letters; only an infrastructure failure (the database) escapes, so the transport retries the batch.
/// </summary>
public sealed class IngestAccessLogsFunction(AccessLogPipeline pipeline, IAccessLogStore store, ILogger<IngestAccessLogsFunction> logger)
    : IKafkaFunction, IKafkaOffsetSource
{
    public string Name => "IngestAccessLogs";

    public async Task RunAsync(KafkaBatch batch, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var items = pipeline.Process(batch);
        var parsed = watch.Elapsed;
        var outcome = await store.StoreAsync(batch.ConsumerGroup, items, ct);
        logger.LogInformation(
            "Stored batch of {Messages} messages: {Inserted} new records, {Duplicates} repeats, {DeadLetters} dead letters, {AlreadyStored} already stored, rollups {RollupMode} (parse {ParseMs:F0} ms, total {TotalMs:F0} ms)",
            batch.Messages.Count, outcome.RecordsInserted, outcome.RecordsDuplicate, outcome.DeadLettersInserted, outcome.AlreadyStored,
            outcome.RollupsRecomputed ? "recomputed" : "incremented", parsed.TotalMilliseconds, watch.Elapsed.TotalMilliseconds);
    }

    public Task<IReadOnlyDictionary<int, long>> GetNextOffsetsAsync(string consumerGroup, string topic, CancellationToken ct) =>
        store.GetNextOffsetsAsync(consumerGroup, topic, ct);

    public Task ForgetNextOffsetsAsync(string consumerGroup, string topic, IReadOnlyCollection<int> partitions, CancellationToken ct) =>
        store.ForgetNextOffsetsAsync(consumerGroup, topic, partitions, ct);
}
