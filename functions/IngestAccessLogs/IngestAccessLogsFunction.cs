using System.Diagnostics;
using NginxPulse.Functions.Hosting;
using NginxPulse.Functions.Kafka;
using NginxPulse.Functions.Storage;

namespace NginxPulse.Functions.IngestAccessLogs;

/// <summary>
/// kafkaTrigger (cardinality many): parse, clean and store a batch of access-log events exactly once. Bad lines
/// become dead letters; only an infrastructure failure (the database) escapes, so the transport retries the batch.
/// Preparing (parse, clean and the store's client-side work) touches no database, so the standalone trigger prepares
/// the next batch while this one is stored.
/// </summary>
public sealed class IngestAccessLogsFunction(AccessLogPipeline pipeline, IAccessLogStore store, ILogger<IngestAccessLogsFunction> logger)
    : IPreparingKafkaFunction, IKafkaOffsetSource
{
    public string Name => "IngestAccessLogs";

    public async Task RunAsync(KafkaBatch batch, CancellationToken ct)
    {
        await using var prepared = await PrepareAsync(batch, ct);
        await prepared.RunAsync(ct);
    }

    public async Task<IPreparedKafkaBatch> PrepareAsync(KafkaBatch batch, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var items = pipeline.Process(batch);
        var prepared = await store.PrepareAsync(batch.ConsumerGroup, items, ct);
        return new PreparedIngest(store, logger, prepared, Stopwatch.GetElapsedTime(started));
    }

    public Task<IReadOnlyDictionary<int, long>> GetNextOffsetsAsync(string consumerGroup, string topic, CancellationToken ct) =>
        store.GetNextOffsetsAsync(consumerGroup, topic, ct);

    public Task ForgetNextOffsetsAsync(string consumerGroup, string topic, IReadOnlyCollection<int> partitions, CancellationToken ct) =>
        store.ForgetNextOffsetsAsync(consumerGroup, topic, partitions, ct);

    private sealed class PreparedIngest(IAccessLogStore store, ILogger logger, PreparedAccessLogBatch batch, TimeSpan preparing) : IPreparedKafkaBatch
    {
        public async Task RunAsync(CancellationToken ct)
        {
            var started = Stopwatch.GetTimestamp();
            var outcome = await store.StoreAsync(batch, ct);
            logger.LogInformation(
                "Stored batch of {Messages} messages: {Inserted} new records, {Duplicates} repeats, {DeadLetters} dead letters, {AlreadyStored} already stored, rollups {RollupMode} (prepare {PrepareMs:F0} ms, store {StoreMs:F0} ms)",
                batch.Count, outcome.RecordsInserted, outcome.RecordsDuplicate, outcome.DeadLettersInserted, outcome.AlreadyStored,
                outcome.RollupsRecomputed ? "recomputed" : "incremented", preparing.TotalMilliseconds, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        public ValueTask DisposeAsync()
        {
            batch.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
