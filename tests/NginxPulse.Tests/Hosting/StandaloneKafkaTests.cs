using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NginxPulse.Functions.Hosting;
using NginxPulse.Functions.Kafka;
using NginxPulse.Tests.Support;
using Xunit;

namespace NginxPulse.Tests.Hosting;

/// <summary>The standalone kafkaTrigger against a real Kafka-protocol broker (librdkafka mock cluster).</summary>
public sealed class StandaloneKafkaTests : IDisposable
{
    private const int MaxBatchSize = 100;   // TestAppRoot.HostJson
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly KafkaTestBroker broker = new();
    private readonly TestAppRoot root = new TestAppRoot().WithFunction("IngestAccessLogs");
    private readonly string group = "ingest-" + Guid.NewGuid().ToString("N")[..8];

    public void Dispose()
    {
        root.Dispose();
        broker.Dispose();
    }

    /// <param name="wholeTopicBatch">one batch of up to 1000 messages over a 5-second window: on a loaded machine a
    /// 1-second window can close before every partition was fetched, which tests of a batch spanning them all rely on</param>
    private Task<RunningApp> StartAsync<TFunction>(TFunction function, RecordingLoggerProvider? logs = null, bool wholeTopicBatch = false) where TFunction : class, IKafkaFunction
    {
        var settings = new Dictionary<string, string>
        {
            ["KafkaBrokerList"] = broker.BootstrapServers, ["KafkaTopic"] = broker.Topic, ["KafkaConsumerGroup"] = group,
        };
        if (wholeTopicBatch)
        {
            settings["AzureFunctionsJobHost:extensions:kafka:maxBatchSize"] = "1000";
            settings["AzureFunctionsJobHost:extensions:kafka:subscriberIntervalInSeconds"] = "5";
        }
        var builder = RunningApp.CreateBuilder(root.Path, customHandler: false, settings);
        builder.Services.AddSingleton(function);
        builder.Services.AddKafkaFunction<TFunction>("IngestAccessLogs");
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
            builder.Logging.AddFilter<RecordingLoggerProvider>(null, LogLevel.Information);
        }
        return RunningApp.StartAsync(builder);
    }

    /// <summary>Positions in a canonical order, so "exactly these, each once" is one sequence comparison.</summary>
    private static KafkaPosition[] Sorted(IEnumerable<KafkaPosition> positions) =>
        positions.OrderBy(p => p.Topic, StringComparer.Ordinal).ThenBy(p => p.Partition).ThenBy(p => p.Offset).ToArray();

    [Fact]
    public async Task Every_message_reaches_the_function_once_in_batches_no_larger_than_maxBatchSize()
    {
        var produced = await broker.ProduceAsync(0, 2000);
        var function = new RecordingFunction();

        await using (await StartAsync(function))
        {
            await Eventually.TrueAsync(() => function.SucceededMessageCount >= 2000, Timeout, "2000 messages handled");
            await Eventually.TrueAsync(() => broker.Committed(group).Values.Sum() == 2000, Timeout, "offsets committed to the end");
        }

        Assert.Equal(Sorted(produced), Sorted(function.SucceededPositions));
        Assert.All(function.Attempts, batch => Assert.InRange(batch.Messages.Count, 1, MaxBatchSize));
        Assert.Contains(function.Attempts, batch => batch.Messages.Count > 1);
        Assert.All(function.Attempts, batch => Assert.Equal(group, batch.ConsumerGroup));
        Assert.Equal(new Dictionary<int, long> { [0] = 667, [1] = 667, [2] = 666 }, broker.Committed(group));
        var first = function.Succeeded.SelectMany(b => b.Messages).First(m => m.Position == produced[0]);
        Assert.Equal(("host-0", "line 0"), (first.Key, KafkaTestBroker.Text(first)));
        Assert.True(DateTime.UtcNow - first.TimestampUtc < TimeSpan.FromMinutes(5));
    }

    [Fact]
    public async Task A_failing_batch_is_redelivered_unchanged_and_offsets_wait_for_success_even_across_restarts()
    {
        var produced = await broker.ProduceAsync(0, 300);
        var committedWhileFailing = new List<IReadOnlyDictionary<int, long>>();
        var function = new RecordingFunction
        {
            OnAttempt = (attempt, _) =>
            {
                if (attempt > 3) return;
                committedWhileFailing.Add(broker.Committed(group));
                throw new InvalidOperationException($"database is down (attempt {attempt})");
            },
        };

        await using (await StartAsync(function))
        {
            await Eventually.TrueAsync(() => function.SucceededMessageCount >= 300, Timeout, "300 messages handled");
            await Eventually.TrueAsync(() => broker.Committed(group).Values.Sum() == 300, Timeout, "offsets committed to the end");
        }

        var attempts = function.Attempts.ToArray();
        var failed = attempts[0].Messages.Select(m => m.Position).ToArray();
        Assert.All(attempts.Take(4), batch => Assert.Equal(failed, batch.Messages.Select(m => m.Position)));
        Assert.Equal(attempts[3], function.Succeeded.First());
        Assert.All(committedWhileFailing, committed => Assert.All(committed.Values, offset => Assert.Equal(-1001, offset)));
        Assert.Equal(3, committedWhileFailing.Count);
        Assert.Equal(Sorted(produced), Sorted(function.SucceededPositions));

        var more = await broker.ProduceAsync(300, 90);
        var restarted = new RecordingFunction();
        await using (await StartAsync(restarted))
        {
            await Eventually.TrueAsync(() => restarted.SucceededMessageCount >= 90, Timeout, "90 new messages handled after restart");
        }

        // Per partition, old messages would arrive before new ones: once all new ones are in, nothing old came back.
        Assert.Equal(Sorted(more), Sorted(restarted.SucceededPositions));
    }

    [Fact]
    public async Task Assignment_starts_each_partition_at_the_later_of_committed_and_stored_offsets()
    {
        await broker.ProducePerPartitionAsync(200);
        broker.Commit(group, new Dictionary<int, long> { [0] = 10, [1] = 150 });
        var function = new OffsetStoringFunction(new Dictionary<int, long> { [0] = 50, [1] = 120 });
        var expected = Enumerable.Range(50, 150).Select(o => new KafkaPosition(broker.Topic, 0, o))
            .Concat(Enumerable.Range(150, 50).Select(o => new KafkaPosition(broker.Topic, 1, o)))
            .Concat(Enumerable.Range(0, 200).Select(o => new KafkaPosition(broker.Topic, 2, o)))
            .ToArray();

        await using (await StartAsync(function))
        {
            await Eventually.TrueAsync(() => function.SucceededMessageCount >= expected.Length, Timeout, $"{expected.Length} messages handled");
            await Eventually.TrueAsync(() => broker.Committed(group).Values.Sum() == 600, Timeout, "offsets committed to the end");
        }

        Assert.Equal(Sorted(expected), Sorted(function.SucceededPositions));
    }

    [Fact]
    public async Task A_stored_offset_past_the_end_of_a_recreated_topic_is_forgotten_and_nothing_is_skipped()
    {
        await broker.ProducePerPartitionAsync(100);
        // Offsets stored for an earlier incarnation of the topic: partition 0 far past its end, partition 1 within it.
        var function = new OffsetStoringFunction(new Dictionary<int, long> { [0] = 5000, [1] = 40 });
        var expected = Enumerable.Range(0, 100).Select(o => new KafkaPosition(broker.Topic, 0, o))
            .Concat(Enumerable.Range(40, 60).Select(o => new KafkaPosition(broker.Topic, 1, o)))
            .Concat(Enumerable.Range(0, 100).Select(o => new KafkaPosition(broker.Topic, 2, o)))
            .ToArray();

        await using (await StartAsync(function))
        {
            await Eventually.TrueAsync(() => function.SucceededMessageCount >= expected.Length, Timeout, $"{expected.Length} messages handled");
        }

        Assert.Equal(Sorted(expected), Sorted(function.SucceededPositions));
        Assert.Equal([0], function.Forgotten.Distinct());
    }

    [Fact]
    public async Task A_replica_stuck_retrying_stays_in_the_group_and_drops_revoked_partitions_from_its_batch()
    {
        var produced = await broker.ProduceAsync(0, 300);
        var stuck = new RecordingFunction { OnAttempt = (_, _) => throw new InvalidOperationException("database is down") };
        var healthy = new RecordingFunction();

        // One batch large enough to span all partitions, so whichever the second replica takes was in flight.
        await using (var first = await StartAsync(stuck, wholeTopicBatch: true))
        {
            await Eventually.TrueAsync(() => stuck.Attempts.Count >= 2, Timeout, "the first replica retrying");
            Assert.Equal(KafkaTestBroker.Partitions, stuck.Attempts.Last().Messages.Select(m => m.Position.Partition).Distinct().Count());

            await using var second = await StartAsync(healthy);
            await Eventually.TrueAsync(() => healthy.SucceededMessageCount >= 100, Timeout, "the second replica handling its partitions");
            var takenOver = healthy.SucceededPositions.Select(p => p.Partition).ToHashSet();
            var attemptsSoFar = stuck.Attempts.Count;
            await Eventually.TrueAsync(() => stuck.Attempts.Count >= attemptsSoFar + 2, Timeout, "the first replica retrying after the rebalance");

            Assert.DoesNotContain(stuck.Attempts.Last().Messages, m => takenOver.Contains(m.Position.Partition));
            await first.DisposeAsync();
            await Eventually.TrueAsync(() => healthy.SucceededMessageCount >= 300, Timeout, "the second replica taking over everything");
        }

        Assert.Empty(stuck.Succeeded);
        Assert.Equal(Sorted(produced), Sorted(healthy.SucceededPositions));
    }

    [Fact]
    public async Task The_next_batch_is_prepared_while_one_runs_and_batches_still_run_one_at_a_time_in_order()
    {
        var produced = await broker.ProduceAsync(0, 600);
        PreparingRecordingFunction function = null!;
        function = new PreparingRecordingFunction
        {
            // The first run only ends once the second batch is prepared: without the overlap it times out and fails.
            OnRun = (run, _) => run == 1 ? function.SecondPrepared.Task.WaitAsync(Timeout) : Task.CompletedTask,
        };

        await using (await StartAsync(function))
        {
            await Eventually.TrueAsync(() => function.Succeeded.Sum(b => b.Messages.Count) >= 600, Timeout, "600 messages handled");
            await Eventually.TrueAsync(() => broker.Committed(group).Values.Sum() == 600, Timeout, "offsets committed to the end");
        }

        Assert.Equal(function.Runs.Count, function.Succeeded.Count);
        Assert.False(function.RanConcurrently);
        Assert.Equal(Sorted(produced), Sorted(function.SucceededPositions));
        // Per partition, offsets are handled in increasing order across batches.
        foreach (var partition in function.SucceededPositions.GroupBy(p => p.Partition))
            Assert.Equal(partition.Select(p => p.Offset).Order(), partition.Select(p => p.Offset));
        Assert.Equal(function.Prepared.Count, function.Disposed);
    }

    [Fact]
    public async Task When_a_batch_fails_nothing_of_the_prepared_next_one_runs_before_it_and_both_are_handled_once_after_the_retry()
    {
        var produced = await broker.ProduceAsync(0, 300);
        var committedAtFailure = new Dictionary<int, long>();
        PreparingRecordingFunction function = null!;
        function = new PreparingRecordingFunction
        {
            OnRun = async (run, _) =>
            {
                if (run != 1) return;
                await function.SecondPrepared.Task.WaitAsync(Timeout);
                foreach (var (partition, offset) in broker.Committed(group)) committedAtFailure[partition] = offset;
                throw new InvalidOperationException("database is down");
            },
        };

        await using (await StartAsync(function))
        {
            await Eventually.TrueAsync(() => function.Succeeded.Sum(b => b.Messages.Count) >= 300, Timeout, "300 messages handled");
            await Eventually.TrueAsync(() => broker.Committed(group).Values.Sum() == 300, Timeout, "offsets committed to the end");
        }

        var runs = function.Runs.ToArray();
        var failed = runs[0].Messages.Select(m => m.Position).ToArray();
        Assert.Equal(failed, runs[1].Messages.Select(m => m.Position));
        Assert.Equal(runs[1], function.Succeeded.First());
        var preparedNext = function.Prepared.ElementAt(1).Messages.Select(m => m.Position).ToHashSet();
        Assert.DoesNotContain(failed, preparedNext.Contains);
        Assert.All(committedAtFailure.Values, offset => Assert.Equal(-1001, offset));
        Assert.Equal(Sorted(produced), Sorted(function.SucceededPositions));
        Assert.False(function.RanConcurrently);
        Assert.Equal(function.Prepared.Count, function.Disposed);
    }
    [Fact]
    public async Task A_rebalance_while_a_batch_runs_finishes_that_batch_before_its_partitions_move_so_no_replica_reads_it_again()
    {
        var produced = await broker.ProduceAsync(0, 300);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ledger = new ConcurrentDictionary<int, long>();
        var first = new LedgerPreparingFunction(ledger) { OnRun = (run, _) => run == 1 ? release.Task.WaitAsync(Timeout) : Task.CompletedTask };
        var second = new LedgerPreparingFunction(ledger);
        var firstLogs = new RecordingLoggerProvider();
        var secondLogs = new RecordingLoggerProvider();

        await using (await StartAsync(first, logs: firstLogs, wholeTopicBatch: true))
        {
            // One batch holds every message, so the first replica's consumer is polling (and can be asked to rebalance)
            // while that batch runs.
            await Eventually.TrueAsync(() => !first.Runs.IsEmpty, Timeout, "the first replica running its first batch");
            var inFlight = first.Runs.First().Messages.Select(m => m.Position).ToHashSet();
            Assert.Equal(300, inFlight.Count);

            await using (await StartAsync(second, logs: secondLogs))
            {
                await Eventually.TrueAsync(() => firstLogs.Contains("being revoked; finishing the running batch of 300 messages"), Timeout,
                    "the first replica's partitions being revoked while its batch runs");
                Assert.Empty(ledger);
                release.SetResult();

                await Eventually.TrueAsync(() => secondLogs.Messages.Any(m => m.Contains("assigned partitions [", StringComparison.Ordinal) && !m.Contains("[]", StringComparison.Ordinal)),
                    Timeout, "the second replica owning a partition");
                produced = [.. produced, .. await broker.ProduceAsync(300, 300)];
                await Eventually.TrueAsync(() => first.SucceededPositions.Count() + second.SucceededPositions.Count() >= 600, Timeout, "600 messages handled");
                await Eventually.TrueAsync(() => ledger.Values.Sum() == 600, Timeout, "every offset stored");
            }
            Assert.DoesNotContain(second.SucceededPositions, inFlight.Contains);
            Assert.NotEmpty(second.SucceededPositions);
            // Both are logged on the consumer's thread, so their order is the order things happened in.
            var log = firstLogs.Messages.ToList();
            Assert.True(log.FindIndex(m => m.Contains("batch of 300 messages", StringComparison.Ordinal) && m.Contains("handled", StringComparison.Ordinal))
                < log.FindIndex(m => m.Contains("revoked; dropped", StringComparison.Ordinal)), "the batch finished before its partitions were given up");
        }

        // Each message handled once in all: neither the new owner nor the first replica (given some partitions back) read the batch again.
        Assert.Equal(Sorted(produced), Sorted(first.SucceededPositions.Concat(second.SucceededPositions)));
    }
}
