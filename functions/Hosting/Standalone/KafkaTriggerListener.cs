using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NginxPulse.Functions.Hosting.Configuration;
using NginxPulse.Functions.Hosting.Manifest;
using NginxPulse.Functions.Kafka;

namespace NginxPulse.Functions.Hosting.Standalone;

/// <summary>One hosted service per kafkaTrigger function: owns its consumer and its dedicated thread.</summary>
public sealed class KafkaTriggerListener(
    FunctionDefinition function,
    FunctionRegistration registration,
    FunctionManifest manifest,
    KafkaFunctionInvoker invoker,
    IOptions<KafkaHostOptions> hostOptions,
    IOptions<KafkaConsumerOverrides> overrides,
    FatalErrorMonitor fatalErrors,
    IHostApplicationLifetime lifetime,
    ILoggerFactory loggers) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource stopping = new();
    private readonly ILogger logger = loggers.CreateLogger($"{typeof(KafkaTriggerListener).FullName}.{function.Name}");
    private KafkaConsumeLoop? loop;
    private Task? running;

    public Task StartAsync(CancellationToken ct)
    {
        KafkaNativeLibrary.Register();
        var trigger = (KafkaTriggerBinding)function.Trigger;
        var host = hostOptions.Value;
        var settings = new ConsumeLoopSettings(
            registration,
            trigger,
            trigger.Cardinality == KafkaCardinality.One ? 1 : host.MaxBatchSize,
            TimeSpan.FromSeconds(host.SubscriberIntervalInSeconds),
            function.Retry ?? RetryPolicy.StandaloneDefault);
        // Built here, not on the thread, so a bad librdkafka setting fails start-up with its message.
        try
        {
            loop = new KafkaConsumeLoop(settings, KafkaConsumerConfigFactory.Create(trigger, host, overrides.Value, manifest.AppRoot), invoker, logger);
        }
        catch (Exception ex) when (ex is Confluent.Kafka.KafkaException or ArgumentException or InvalidOperationException)
        {
            throw new FunctionAppConfigurationException(
                $"{function.Name}: the Kafka consumer cannot be created ({ex.Message}); check {function.Source}, host.json extensions.kafka and setting '{KafkaConsumerOverrides.Setting}'");
        }
        if (host.CommitOnFailure || host.MaxRetries != -1)
            KafkaListenerLog.FailurePolicyIgnored(logger, function.Name, host.CommitOnFailure, host.MaxRetries);
        loop.Subscribe();
        KafkaListenerLog.Started(logger, function.Name, trigger.Topic, trigger.ConsumerGroup, trigger.BrokerList, settings.MaxBatchSize, host.SubscriberIntervalInSeconds);
        running = Task.Factory.StartNew(() => RunOnThread(loop), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken ct)
    {
        await stopping.CancelAsync();
        if (running is not null) await running.WaitAsync(ct);
    }

    public void Dispose()
    {
        loop?.Dispose();
        stopping.Dispose();
    }

    private void RunOnThread(KafkaConsumeLoop consumeLoop)
    {
        try
        {
            consumeLoop.Run(stopping.Token);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            KafkaListenerLog.Crashed(logger, ex, function.Name);
            fatalErrors.Report();
            lifetime.StopApplication();
        }
        finally
        {
            // Close on the consuming thread: Confluent.Kafka forbids it concurrently with Consume.
            try
            {
                consumeLoop.Close();
                KafkaListenerLog.Closed(logger, function.Name);
            }
            catch (Confluent.Kafka.KafkaException ex)
            {
                KafkaListenerLog.CloseFailed(logger, ex, function.Name);
            }
        }
    }
}
