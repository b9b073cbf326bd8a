using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using NginxPulse.Functions.IngestAccessLogs;
using NginxPulse.Functions.Storage;
using NginxPulse.Tests.Hosting;
using NginxPulse.Tests.Storage;
using NginxPulse.Tests.Support;
using Xunit;

namespace NginxPulse.Tests.Ingest;

/// <summary>IngestAccessLogs through the standalone trigger, pipelined, against a real broker and a real MariaDB.</summary>
public sealed class PipelinedIngestTests : IAsyncLifetime
{
    private const int Lines = 600;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private readonly KafkaTestBroker broker = new();
    private readonly TestAppRoot root = new TestAppRoot().WithFunction("IngestAccessLogs");
    private TestDatabase db = null!;

    public async Task InitializeAsync() => db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        await db.DisposeAsync();
        root.Dispose();
        broker.Dispose();
    }

    [Fact]
    public async Task A_batch_failing_with_the_next_one_prepared_stores_nothing_of_either_and_the_retry_stores_both_exactly_once()
    {
        await broker.ProduceAsync(Enumerable.Range(0, Lines).Select(Line).ToArray());
        FailingFirstStore store = null!;
        var builder = RunningApp.CreateBuilder(root.Path, customHandler: false, new Dictionary<string, string>
        {
            ["KafkaBrokerList"] = broker.BootstrapServers, ["KafkaTopic"] = broker.Topic, ["KafkaConsumerGroup"] = "pipelined",
            [StorageOptions.ConnectionSettingName] = db.ConnectionString,
        });
        // Registered before the storage, whose TryAdd then keeps it: the real store, made to fail once for real.
        builder.Services.AddSingleton<IAccessLogStore>(sp => store = new FailingFirstStore(sp.GetRequiredService<AccessLogStore>(), db));
        builder.Services.AddNginxPulseStorage(builder.Configuration);
        builder.Services.AddIngestAccessLogs(builder.Configuration);

        await using (await RunningApp.StartAsync(builder))
        {
            await Eventually.TrueAsync(async () => await db.ScalarAsync("SELECT COALESCE(SUM(next_offset), 0) FROM kafka_offsets") == Lines, Timeout, "every line stored");
            await Eventually.TrueAsync(() => broker.Committed("pipelined").Values.Sum() == Lines, Timeout, "offsets committed to the end");
        }

        Assert.Equal(0, store.RowsAfterTheFailure);
        Assert.Equal(Lines, await db.ScalarAsync("SELECT COUNT(*) FROM access_log"));
        Assert.Equal(Lines, await db.ScalarAsync("SELECT SUM(requests) FROM rollup_minute"));
        Assert.Empty(await db.VerifyRollupsAsync());
        var client = ClientHash.Sql("COALESCE(client_ip, remote_addr)");
        Assert.Equal(
            await db.ScalarAsync($"SELECT COUNT(*) FROM (SELECT DISTINCT DATE_FORMAT(time_utc, '%Y-%m-%d %H'), {client} FROM access_log) c"),
            await db.ScalarAsync("SELECT COUNT(*) FROM hourly_site_clients"));
        Assert.All(store.Files, file => Assert.False(File.Exists(file), $"{file} left behind"));
    }

    private static string Line(int i) => string.Create(CultureInfo.InvariantCulture,
        $"10.1.{i % 7}.{i % 50} - - [21/Nov/2026:14:{i / 60 % 60:00}:{i % 60:00} +0000] \"GET /page/{i} HTTP/1.1\" 200 {100 + i} \"-\" \"curl/8.5\"");

    /// <summary>
    /// The real store, whose first batch waits until the next one is prepared and then fails in the database (a table
    /// its transaction writes last is away), rolling back. Remembers every prepared file.
    /// </summary>
    private sealed class FailingFirstStore(AccessLogStore inner, TestDatabase db) : IAccessLogStore
    {
        private readonly TaskCompletionSource secondPrepared = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int prepared;
        private int stores;

        public ConcurrentBag<string> Files { get; } = [];

        public long? RowsAfterTheFailure { get; private set; }

        public async Task<PreparedAccessLogBatch> PrepareAsync(string consumerGroup, IReadOnlyList<IngestItem> items, CancellationToken ct)
        {
            var batch = await inner.PrepareAsync(consumerGroup, items, ct);
            if (batch.RowsFile is { } file) Files.Add(file);
            if (Interlocked.Increment(ref prepared) >= 2) secondPrepared.TrySetResult();
            return batch;
        }

        public async Task<StoreOutcome> StoreAsync(PreparedAccessLogBatch batch, CancellationToken ct)
        {
            if (Interlocked.Increment(ref stores) > 1) return await inner.StoreAsync(batch, ct);
            await secondPrepared.Task.WaitAsync(Timeout, ct);
            await db.ExecuteAsync("RENAME TABLE hourly_site_clients TO hourly_site_clients_away");
            try
            {
                return await inner.StoreAsync(batch, ct);
            }
            finally
            {
                await db.ExecuteAsync("RENAME TABLE hourly_site_clients_away TO hourly_site_clients");
                RowsAfterTheFailure = await db.ScalarAsync("SELECT COUNT(*) FROM access_log");
            }
        }

        public async Task<StoreOutcome> StoreAsync(string consumerGroup, IReadOnlyList<IngestItem> items, CancellationToken ct)
        {
            using var batch = await PrepareAsync(consumerGroup, items, ct);
            return await StoreAsync(batch, ct);
        }

        public Task<IReadOnlyDictionary<int, long>> GetNextOffsetsAsync(string consumerGroup, string topic, CancellationToken ct) =>
            inner.GetNextOffsetsAsync(consumerGroup, topic, ct);

        public Task ForgetNextOffsetsAsync(string consumerGroup, string topic, IReadOnlyCollection<int> partitions, CancellationToken ct) =>
            inner.ForgetNextOffsetsAsync(consumerGroup, topic, partitions, ct);
    }
}
