using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Confluent.Kafka;
using NginxPulse.KafkaMock;
using NginxPulse.Tests.Infra;
using NginxPulse.Tests.Storage;
using NginxPulse.Tests.Support;
using Xunit;

namespace NginxPulse.Tests.EndToEnd;

/// <summary>
/// The real function app process, standalone: lines produced to the local Kafka broker end up in MariaDB exactly
/// once, through the same function.json the Functions host would read.
/// </summary>
public class StandaloneIngestTests
{
    private const string Topic = "nginx-access";

    [Fact]
    public async Task Shipped_lines_reach_mariadb_once_and_a_reshipment_adds_nothing()
    {
        using var cluster = new MockKafkaCluster(3);
        cluster.CreateTopic(Topic, 3);
        await using var db = await TestDatabase.CreateAsync(migrate: false);
        var lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Fixtures", "formats", "combined.log"))
            .Concat(File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Fixtures", "formats", "main.log"))).ToArray();

        // 3 hosts × 40 copies of each fixture line at distinct file offsets, plus messages that must be dead letters.
        var messages = new List<(string Key, string Value)>();
        foreach (var host in new[] { "web-1", "web-2", "web-3" })
            for (var copy = 0; copy < 40; copy++)
                for (var i = 0; i < lines.Length; i++)
                    messages.Add((host, Envelope(host, offset: (copy * lines.Length + i) * 300L, lines[i])));
        messages.Add(("web-1", "{\"v\":7,\"line\":\"from the future\"}"));
        messages.Add(("web-1", "2021/12/01 13:53:33 [error] 31#31: *46 open() failed"));
        var expectedRecords = 3 * 40 * lines.Length;

        await ProduceAsync(cluster.BootstrapServers, messages);
        var port = LoopbackPort.Free();
        using var app = StartApp(cluster.BootstrapServers, db.ConnectionString, port);
        await Eventually.TrueAsync(async () => await StoredAsync(db) == messages.Count, TimeSpan.FromSeconds(90),
            () => $"all {messages.Count} messages stored; app log:\n{app.StandardError}");

        Assert.Equal(expectedRecords, await db.ScalarAsync("SELECT COUNT(*) FROM access_log"));
        Assert.Equal(2, await db.ScalarAsync("SELECT COUNT(*) FROM dead_letter"));
        Assert.Equal(1, await db.ScalarAsync("SELECT COUNT(*) FROM dead_letter WHERE reason LIKE 'unsupported shipper envelope version 7%'"));
        Assert.Equal(messages.Count, await db.ScalarAsync("SELECT SUM(next_offset) FROM kafka_offsets WHERE consumer_group = 'e2e'"));
        Assert.Equal(expectedRecords, await db.ScalarAsync("SELECT SUM(requests) FROM rollup_minute"));
        Assert.Empty(await db.VerifyRollupsAsync());
        using (var http = new HttpClient())
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"http://127.0.0.1:{port}/healthz")).StatusCode);

        // A shipper that crashed re-sends the same lines: new Kafka offsets, same file coordinates.
        await ProduceAsync(cluster.BootstrapServers, messages);
        await Eventually.TrueAsync(async () => await db.ScalarAsync("SELECT SUM(next_offset) FROM kafka_offsets WHERE consumer_group = 'e2e'") == 2 * messages.Count,
            TimeSpan.FromSeconds(90), () => $"the re-shipment consumed; app log:\n{app.StandardError}");
        Assert.Equal(expectedRecords, await db.ScalarAsync("SELECT COUNT(*) FROM access_log"));
        Assert.Equal(2, await db.ScalarAsync("SELECT COUNT(*) FROM dead_letter"));
        Assert.Equal(expectedRecords, await db.ScalarAsync("SELECT SUM(requests) FROM rollup_minute"));
        Assert.Empty(await db.VerifyRollupsAsync());

        app.Terminate();
        await app.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, app.ExitCode);
    }

    [Fact]
    public async Task A_bad_setting_stops_the_process_at_start_up_naming_the_setting()
    {
        using var app = ChildProcess.Start(ChildProcess.FunctionAppPath, [], new Dictionary<string, string?>
        {
            ["KafkaBrokerList"] = "127.0.0.1:9", ["KafkaTopic"] = Topic, ["KafkaConsumerGroup"] = "e2e",
            ["MySqlConnection"] = "Server=127.0.0.1;Port=9;Database=x;User ID=u;Password=p",
            ["Parsing__DefaultFormats"] = "combined,no_such_format",
            ["FUNCTIONS_CUSTOMHANDLER_PORT"] = null,
        });
        await app.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.NotEqual(0, app.ExitCode);
        Assert.Contains("Parsing:DefaultFormats", app.StandardError);
    }

    private static ChildProcess StartApp(string bootstrap, string mysql, int port) =>
        ChildProcess.Start(ChildProcess.FunctionAppPath, [], new Dictionary<string, string?>
        {
            ["KafkaBrokerList"] = bootstrap,
            ["KafkaTopic"] = Topic,
            ["KafkaConsumerGroup"] = "e2e",
            ["MySqlConnection"] = mysql,
            ["NginxPulseHttpUrl"] = $"http://127.0.0.1:{port}",
            ["AzureFunctionsJobHost__extensions__kafka__maxBatchSize"] = "100",
            ["FUNCTIONS_CUSTOMHANDLER_PORT"] = null,
            ["Logging__Console__FormatterName"] = "simple",
        });

    private static async Task<long> StoredAsync(TestDatabase db)
    {
        try { return await db.ScalarAsync("SELECT (SELECT COUNT(*) FROM access_log) + (SELECT COUNT(*) FROM dead_letter)"); }
        catch (MySql.Data.MySqlClient.MySqlException) { return -1; } // tables not migrated yet
    }

    private static string Envelope(string host, long offset, string line) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["v"] = 1, ["host"] = host, ["file"] = "/var/log/nginx/access.log", ["fileId"] = $"{host}:801:4242", ["offset"] = offset, ["line"] = line,
    });

    private static async Task ProduceAsync(string bootstrap, IEnumerable<(string Key, string Value)> messages)
    {
        using var producer = KafkaTestClients.IdempotentProducer(bootstrap);
        foreach (var (key, value) in messages) producer.Produce(Topic, new Message<string, string> { Key = key, Value = value });
        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
    }
}
