using Confluent.Kafka;
using NginxPulse.Functions.Kafka;
using NginxPulse.Tests.Support;
using Xunit;

namespace NginxPulse.Tests.Infra;

public sealed class KafkaMockProcessTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly string directory = Directory.CreateTempSubdirectory("nginxpulse-kafkamock-").FullName;

    [Fact]
    public async Task Serves_its_topics_to_other_processes_and_exits_cleanly_on_SIGTERM()
    {
        const int count = 100;
        var bootstrapFile = Path.Combine(directory, "bootstrap");
        using var broker = ChildProcess.StartBroker("--topic", "t1:2", "--bootstrap-file", bootstrapFile);

        await Eventually.TrueAsync(() => File.Exists(bootstrapFile) || broker.HasExited, Deadline, "the broker's bootstrap file");
        Assert.False(broker.HasExited, $"the broker exited early:\n{broker.StandardError}");
        var bootstrap = File.ReadAllText(bootstrapFile).Trim();
        Assert.Equal(bootstrap, await broker.StandardOutput.ReadLineAsync().WaitAsync(Deadline));
        Assert.All(bootstrap.Split(','), server => Assert.StartsWith("127.0.0.1:", server));

        KafkaNativeLibrary.Register();
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build())
            Assert.Equal(2, admin.GetMetadata("t1", Deadline).Topics.Single().Partitions.Count);
        using (var producer = KafkaTestClients.IdempotentProducer(bootstrap))
        {
            var sends = Enumerable.Range(0, count)
                .Select(i => producer.ProduceAsync("t1", new Message<string, string> { Key = $"host-{i % 3}", Value = i.ToString() }));
            Assert.All(await Task.WhenAll(sends).WaitAsync(Deadline), d => Assert.Equal(PersistenceStatus.Persisted, d.Status));
        }
        var read = await KafkaTestClients.ReadTopicAsync(bootstrap, "t1", count, Deadline);
        Assert.Equal(count, read.StoredCount);
        Assert.Equal(Enumerable.Range(0, count), read.Messages.Select(m => int.Parse(m.Message.Value)).Order());

        broker.Terminate();
        await broker.WaitForExitAsync(Deadline);
        Assert.True(broker.ExitCode == 0, $"exit code {broker.ExitCode}:\n{broker.StandardError}");
        Assert.False(File.Exists(bootstrapFile), "a stopped broker must not leave its bootstrap list behind");
    }

    [Fact]
    public async Task Rejects_a_malformed_topic_with_a_clear_error_and_exit_code_2()
    {
        using var broker = ChildProcess.StartBroker("--topic", "foo:x");

        await broker.WaitForExitAsync(Deadline);

        Assert.Equal(2, broker.ExitCode);
        Assert.Contains("partition count 'x' is not a positive integer", broker.StandardError);
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);
}
