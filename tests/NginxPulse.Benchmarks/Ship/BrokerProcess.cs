namespace NginxPulse.Benchmarks.Ship;

/// <summary>One local broker for a round: the KafkaMock process with one broker and a one-partition topic per contender.</summary>
public sealed class BrokerProcess : IAsyncDisposable
{
    private readonly ChildProcess process;

    private BrokerProcess(ChildProcess process, string bootstrap)
    {
        this.process = process;
        Bootstrap = bootstrap;
    }

    public string Bootstrap { get; }

    public static async Task<BrokerProcess> StartAsync(BenchPaths paths, IEnumerable<string> topics)
    {
        var args = new List<string> { paths.KafkaMockDll, "--brokers", "1" };
        foreach (var topic in topics) args.AddRange(["--topic", $"{topic}:1"]);
        var ready = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var child = ChildProcess.Start("dotnet", args, onLine: line =>
        {
            if (line.StartsWith("127.0.0.1:", StringComparison.Ordinal)) ready.TrySetResult(line.Trim());
        });
        var bootstrap = await ready.Task.WaitAsync(TimeSpan.FromSeconds(30))
            .ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : throw new InvalidOperationException($"the broker did not start: {child.Output}"));
        return new BrokerProcess(child, bootstrap);
    }

    public ValueTask DisposeAsync() => process.DisposeAsync();
}
