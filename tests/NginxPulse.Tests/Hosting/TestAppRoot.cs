namespace NginxPulse.Tests.Hosting;

/// <summary>A throw-away Functions script root: host.json plus function folders.</summary>
internal sealed class TestAppRoot : IDisposable
{
    public const string KafkaFunctionJson = """
        {
          "bindings": [
            { "type": "kafkaTrigger", "direction": "in", "name": "events",
              "brokerList": "%KafkaBrokerList%", "topic": "%KafkaTopic%", "consumerGroup": "%KafkaConsumerGroup%",
              "cardinality": "many", "dataType": "string" }
          ],
          "retry": { "strategy": "exponentialBackoff", "maxRetryCount": -1, "minimumInterval": "00:00:00.050", "maximumInterval": "00:00:00.200" }
        }
        """;

    public const string HostJson = """
        { "version": "2.0",
          "extensions": { "kafka": { "maxBatchSize": 100, "subscriberIntervalInSeconds": 1, "commitOnFailure": false, "maxRetries": -1, "autoOffsetReset": "Earliest" } } }
        """;

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "nginxpulse-approot-" + Guid.NewGuid().ToString("N"));

    public TestAppRoot(string hostJson = HostJson)
    {
        Directory.CreateDirectory(Path);
        File.WriteAllText(System.IO.Path.Combine(Path, "host.json"), hostJson);
    }

    public TestAppRoot WithFunction(string name, string functionJson = KafkaFunctionJson)
    {
        Directory.CreateDirectory(System.IO.Path.Combine(Path, name));
        File.WriteAllText(System.IO.Path.Combine(Path, name, "function.json"), functionJson);
        return this;
    }

    public TestAppRoot WithFile(string relativePath, string content)
    {
        File.WriteAllText(System.IO.Path.Combine(Path, relativePath), content);
        return this;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }
}
