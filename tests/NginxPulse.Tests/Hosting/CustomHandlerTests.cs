using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NginxPulse.Functions.Hosting;
using NginxPulse.Functions.Kafka;
using Xunit;

namespace NginxPulse.Tests.Hosting;

/// <summary>The custom-handler transport over real HTTP on loopback, fed what the Functions host sends.</summary>
public sealed class CustomHandlerTests : IAsyncLifetime
{
    // The values of Fixtures/custom-handler/kafka-many-string.http, spelled out independently of the fixture.
    private const string Value1 = "{\"v\":1,\"host\":\"web-01\",\"line\":\"203.0.113.7 - - [01/May/2026:14:00:00 +0200] \\\"GET /caf\u00e9?q=\\\\x22a\\\\x22 HTTP/1.1\\\" 200 512 \\\"-\\\" \\\"curl/8.0\\\"\"}";
    private const string Value2 = "198.51.100.2 - - [01/May/2026:14:00:01 +0200] \"\\x16\\x03\\x01\\x00\\xA5\\x01\" 400 157 \"-\" \"Mozilla/5.0 (\u65E5\u672C\u8A9E; \u00FC) \u2603\"";
    private const string Value3 = "C:\\logs\\x.log\tline with a tab, a \"quote\\\" and \uD83D\uDE00 \u001b[0m";

    private readonly TestAppRoot root = new TestAppRoot().WithFunction("IngestAccessLogs");
    private readonly RecordingFunction recorder = new()
    {
        OnAttempt = (_, batch) =>
        {
            if (batch.Messages.Any(m => Encoding.UTF8.GetString(m.Value.Span) == "fail")) throw new InvalidOperationException("database is down");
        },
    };
    private RunningApp app = null!;

    public async Task InitializeAsync()
    {
        var builder = RunningApp.CreateBuilder(root.Path, customHandler: true, new Dictionary<string, string>
        {
            ["KafkaBrokerList"] = "127.0.0.1:9", ["KafkaTopic"] = "nginx-access", ["KafkaConsumerGroup"] = "ingest-group",
        });
        builder.Services.AddSingleton(recorder);
        builder.Services.AddKafkaFunction<RecordingFunction>("IngestAccessLogs");
        app = await RunningApp.StartAsync(builder);
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        root.Dispose();
    }

    [Fact]
    public void Listens_on_the_IPv4_loopback_only()
    {
        Assert.Equal("127.0.0.1", app.Address.Host);
    }

    [Fact]
    public async Task Root_answers_200_for_the_hosts_readiness_poll()
    {
        using var response = await app.Http.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Host_request_for_cardinality_many_string_reaches_the_function_exactly()
    {
        var golden = GoldenRequest.Load("kafka-many-string.http");
        using var response = await app.Http.SendAsync(golden.ToHttpRequest());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var batch = Assert.Single(recorder.Succeeded);
        Assert.Equal("ingest-group", batch.ConsumerGroup);
        var expected = new[]
        {
            new KafkaMessage(new KafkaPosition("nginx-access", 0, 1234), "web-01", Encoding.UTF8.GetBytes(Value1), new DateTime(2026, 5, 1, 12, 0, 0, 123, DateTimeKind.Utc)),
            new KafkaMessage(new KafkaPosition("nginx-access", 2, 77), null, Encoding.UTF8.GetBytes(Value2), new DateTime(2026, 5, 1, 12, 0, 1, DateTimeKind.Utc)),
            new KafkaMessage(new KafkaPosition("nginx-access", 0, 1235), "web-01", Encoding.UTF8.GetBytes(Value3), new DateTime(2026, 5, 1, 12, 0, 0, 500, DateTimeKind.Utc)),
        };
        Assert.Equal(expected.Length, batch.Messages.Count);
        for (var i = 0; i < expected.Length; i++)
        {
            var actual = batch.Messages[i];
            Assert.Equal(expected[i].Position, actual.Position);
            Assert.Equal(expected[i].Key, actual.Key);
            Assert.Equal(Encoding.UTF8.GetString(expected[i].Value.Span), Encoding.UTF8.GetString(actual.Value.Span));
            Assert.Equal(expected[i].Value.ToArray(), actual.Value.ToArray());
            Assert.Equal(expected[i].TimestampUtc, actual.TimestampUtc);
            Assert.Equal(DateTimeKind.Utc, actual.TimestampUtc.Kind);
        }
    }

    [Fact]
    public async Task Reply_is_the_invocation_envelope_as_json()
    {
        using var response = await app.Http.SendAsync(GoldenRequest.Load("kafka-many-string.http").ToHttpRequest());

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(JsonValueKind.Object, body.RootElement.GetProperty("Outputs").ValueKind);
        Assert.Equal(JsonValueKind.Null, body.RootElement.GetProperty("ReturnValue").ValueKind);
        var log = Assert.Single(body.RootElement.GetProperty("Logs").EnumerateArray()).GetString();
        Assert.Contains("3 messages", log);
    }

    [Fact]
    public async Task Failing_function_gives_500_with_a_json_body_so_the_host_retries()
    {
        var body = Envelope(Event(5, 1, "fail"));
        using var response = await app.Http.SendAsync(GoldenRequest.Load("kafka-many-string.http").ToHttpRequest(body: body));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var reply = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("database is down", reply.RootElement.GetProperty("Logs")[0].GetString());
        Assert.Single(recorder.Attempts);
        Assert.Empty(recorder.Succeeded);
    }

    [Fact]
    public async Task Unknown_function_gives_404_json()
    {
        using var response = await app.Http.SendAsync(GoldenRequest.Load("kafka-many-string.http").ToHttpRequest(path: "/NoSuchFunction"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("NoSuchFunction", await response.Content.ReadAsStringAsync());
        Assert.Empty(recorder.Attempts);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{\"Data\":{}}")]
    [InlineData("{\"Data\":{\"events\":\"[\\\"{\\\\\\\"Partition\\\\\\\":0}\\\"]\"}}")]
    public async Task Undecodable_body_gives_400_json_and_never_reaches_the_function(string body)
    {
        using var response = await app.Http.SendAsync(GoldenRequest.Load("kafka-many-string.http").ToHttpRequest(body: body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("{", await response.Content.ReadAsStringAsync());
        Assert.Empty(recorder.Attempts);
    }

    private static string Event(long offset, int partition, string value) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["Offset"] = offset, ["Partition"] = partition, ["Topic"] = "nginx-access", ["Timestamp"] = "2026-05-01T12:00:00Z",
        ["Value"] = value, ["Key"] = null, ["Headers"] = Array.Empty<object>(),
    });

    /// <summary>The host's doubly encoded form for the given event JSON texts.</summary>
    private static string Envelope(params string[] events) =>
        JsonSerializer.Serialize(new { Data = new { events = JsonSerializer.Serialize(events) }, Metadata = new { } });
}
