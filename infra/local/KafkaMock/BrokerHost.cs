namespace NginxPulse.KafkaMock;

/// <summary>Runs one mock cluster with its topics until cancelled, announcing where it listens.</summary>
public sealed class BrokerHost(BrokerOptions options, TextWriter output, TextWriter log)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var cluster = new MockKafkaCluster(options.Brokers);
        log.WriteLine($"kafka-mock: {cluster.BrokerCount} broker(s) listening on {cluster.BootstrapServers}");
        foreach (var topic in options.Topics)
        {
            cluster.CreateTopic(topic.Name, topic.Partitions);
            log.WriteLine($"kafka-mock: created topic {topic.Name} with {topic.Partitions} partition(s)");
        }

        var bootstrapFile = options.BootstrapFile is null ? null : new BootstrapFile(options.BootstrapFile);
        try
        {
            if (bootstrapFile is not null)
            {
                await bootstrapFile.WriteAsync(cluster.BootstrapServers, cancellationToken);
                log.WriteLine($"kafka-mock: wrote bootstrap list to {bootstrapFile.Path}");
            }
            output.WriteLine(cluster.BootstrapServers);
            output.Flush();
            log.WriteLine($"kafka-mock: ready (pid {Environment.ProcessId}); SIGTERM or Ctrl+C stops it, all data is in memory");
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            log.WriteLine("kafka-mock: shutting down");
        }
        finally
        {
            bootstrapFile?.RemoveIfOwned(cluster.BootstrapServers);
        }
    }
}
