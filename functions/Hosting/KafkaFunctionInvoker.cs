using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NginxPulse.Functions.Kafka;

namespace NginxPulse.Functions.Hosting;

/// <summary>Runs one batch through a registered function in its own DI scope; shared by both transports.</summary>
public sealed partial class KafkaFunctionInvoker(IServiceScopeFactory scopes, ILogger<KafkaFunctionInvoker> logger)
{
    /// <summary>Returns the elapsed time; exceptions from the function propagate unchanged (the caller retries).</summary>
    public async Task<TimeSpan> InvokeAsync(FunctionRegistration function, KafkaBatch batch, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        await using var scope = scopes.CreateAsyncScope();
        var instance = (IKafkaFunction)scope.ServiceProvider.GetRequiredService(function.ImplementationType);
        await instance.RunAsync(batch, ct);
        var elapsed = Stopwatch.GetElapsedTime(started);
        LogBatchDone(function.Name, batch.Messages.Count, (long)elapsed.TotalMilliseconds);
        return elapsed;
    }

    /// <summary>
    /// Prepares a batch in its own DI scope, kept until the returned invocation is disposed: a preparing function does
    /// its side-effect-free work now, any other function does all of it when the invocation runs.
    /// </summary>
    public async Task<KafkaInvocation> PrepareAsync(FunctionRegistration function, KafkaBatch batch, CancellationToken ct)
    {
        var scope = scopes.CreateAsyncScope();
        try
        {
            var instance = (IKafkaFunction)scope.ServiceProvider.GetRequiredService(function.ImplementationType);
            var prepared = instance is IPreparingKafkaFunction preparing
                ? await preparing.PrepareAsync(batch, ct)
                : new UnpreparedBatch(instance, batch);
            return new KafkaInvocation(scope, prepared);
        }
        catch
        {
            await scope.DisposeAsync();
            throw;
        }
    }

    /// <summary>Tells the function that its stored offsets of these partitions are stale (past the partitions' end).</summary>
    public async Task ForgetStoredOffsetsAsync(
        FunctionRegistration function, string consumerGroup, string topic, IReadOnlyCollection<int> partitions, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        if (scope.ServiceProvider.GetRequiredService(function.ImplementationType) is IKafkaOffsetSource source)
            await source.ForgetNextOffsetsAsync(consumerGroup, topic, partitions, ct);
    }

    /// <summary>Asks the function for offsets it stored with its data, when it keeps any.</summary>
    public async Task<IReadOnlyDictionary<int, long>?> GetStoredOffsetsAsync(
        FunctionRegistration function, string consumerGroup, string topic, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var instance = scope.ServiceProvider.GetRequiredService(function.ImplementationType);
        return instance is IKafkaOffsetSource source
            ? await source.GetNextOffsetsAsync(consumerGroup, topic, ct)
            : null;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Function {Function} handled {BatchSize} messages in {ElapsedMs} ms")]
    private partial void LogBatchDone(string function, int batchSize, long elapsedMs);

    /// <summary>A function without a preparation step: its whole work happens when the batch runs.</summary>
    private sealed class UnpreparedBatch(IKafkaFunction function, KafkaBatch batch) : IPreparedKafkaBatch
    {
        public Task RunAsync(CancellationToken ct) => function.RunAsync(batch, ct);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>A prepared batch together with the DI scope its function lives in; disposing releases both.</summary>
public sealed class KafkaInvocation(AsyncServiceScope scope, IPreparedKafkaBatch prepared) : IAsyncDisposable
{
    public Task RunAsync(CancellationToken ct) => prepared.RunAsync(ct);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await prepared.DisposeAsync();
        }
        finally
        {
            await scope.DisposeAsync();
        }
    }
}
