using Microsoft.Extensions.Configuration;
using NginxPulse.Functions.Hosting;
using NginxPulse.Functions.Hosting.Configuration;
using NginxPulse.Functions.Hosting.Manifest;
using Xunit;

namespace NginxPulse.Tests.Hosting;

/// <summary>function.json loading: settings, indirection, trigger kinds, retry, and the start-up messages.</summary>
public sealed class FunctionManifestTests : IDisposable
{
    private readonly TestAppRoot root = new();

    public void Dispose() => root.Dispose();

    private static AppSettings Settings(params (string Name, string Value)[] values) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Name, v.Value))).Build());

    private static readonly (string, string)[] KafkaSettings =
        [("KafkaBrokerList", "b1:9092,b2:9092"), ("KafkaTopic", "nginx-access"), ("KafkaConsumerGroup", "ingest")];

    [Fact]
    public void Placeholders_resolve_from_settings()
    {
        root.WithFunction("IngestAccessLogs");

        var manifest = FunctionManifestLoader.Load(root.Path, Settings(KafkaSettings));

        var function = Assert.Single(manifest.Functions);
        Assert.Equal("IngestAccessLogs", function.Name);
        var trigger = Assert.IsType<KafkaTriggerBinding>(function.Trigger);
        Assert.Equal(("events", "b1:9092,b2:9092", "nginx-access", "ingest"), (trigger.Name, trigger.BrokerList, trigger.Topic, trigger.ConsumerGroup));
        Assert.Equal((KafkaCardinality.Many, KafkaDataType.String), (trigger.Cardinality, trigger.DataType));
        Assert.Equal(new RetryPolicy(RetryStrategy.ExponentialBackoff, -1, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(200)), function.Retry);
    }

    [Fact]
    public void Several_placeholders_inside_one_value_resolve()
    {
        root.WithFunction("F", Kafka(brokerList: "%Host%:%Port%"));

        var manifest = FunctionManifestLoader.Load(root.Path, Settings([.. KafkaSettings, ("Host", "10.0.0.1"), ("Port", "9093")]));

        Assert.Equal("10.0.0.1:9093", ((KafkaTriggerBinding)manifest.Functions[0].Trigger).BrokerList);
    }

    [Fact]
    public void A_value_that_names_a_setting_is_replaced_by_it()
    {
        root.WithFunction("F", Kafka(brokerList: "BrokerList", topic: "%TopicSettingName%", consumerGroup: "literal-group"));

        var manifest = FunctionManifestLoader.Load(root.Path,
            Settings(("BrokerList", "k1:9092"), ("TopicSettingName", "RealTopic"), ("RealTopic", "nginx-access")));

        var trigger = (KafkaTriggerBinding)manifest.Functions[0].Trigger;
        Assert.Equal("k1:9092", trigger.BrokerList);
        Assert.Equal("nginx-access", trigger.Topic);
        Assert.Equal("literal-group", trigger.ConsumerGroup);
    }

    [Fact]
    public void A_connection_string_counts_as_a_setting()
    {
        root.WithFunction("F", Kafka(brokerList: "%Kafka%"));

        var manifest = FunctionManifestLoader.Load(root.Path, Settings([.. KafkaSettings, ("ConnectionStrings:Kafka", "cs:9092")]));

        Assert.Equal("cs:9092", ((KafkaTriggerBinding)manifest.Functions[0].Trigger).BrokerList);
    }

    [Fact]
    public void A_missing_setting_is_named_with_where_it_is_used()
    {
        root.WithFunction("IngestAccessLogs");

        var error = Assert.Throws<FunctionAppConfigurationException>(() =>
            FunctionManifestLoader.Load(root.Path, Settings(("KafkaTopic", "t"), ("KafkaConsumerGroup", "g"))));

        Assert.Equal("setting 'KafkaBrokerList' used by IngestAccessLogs/function.json (brokerList) is not set", error.Message);
    }

    [Fact]
    public void An_unknown_trigger_type_fails_naming_it()
    {
        root.WithFunction("Q", """{ "bindings": [ { "type": "queueTrigger", "direction": "in", "name": "msg", "queueName": "q" } ] }""");

        var error = Assert.Throws<FunctionAppConfigurationException>(() => FunctionManifestLoader.Load(root.Path, Settings()));

        Assert.Contains("Q/function.json", error.Message);
        Assert.Contains("trigger type 'queueTrigger' is not supported", error.Message);
    }

    [Fact]
    public void Binary_data_type_is_refused_because_offsets_would_be_lost()
    {
        root.WithFunction("F", Kafka(dataType: "binary"));

        var error = Assert.Throws<FunctionAppConfigurationException>(() => FunctionManifestLoader.Load(root.Path, Settings(KafkaSettings)));

        Assert.Contains("dataType 'binary' is not supported", error.Message);
    }

    [Fact]
    public void Kafka_security_properties_are_read_case_insensitively()
    {
        root.WithFunction("F", """
            { "bindings": [ { "type": "kafkaTrigger", "name": "e", "BrokerList": "b:9", "topic": "t", "consumerGroup": "g",
              "cardinality": "MANY", "dataType": "string", "protocol": "SASLSSL", "authenticationMode": "ScramSha512",
              "username": "%User%", "password": "PasswordSetting", "sslCaLocation": "ca.pem" } ] }
            """);

        var manifest = FunctionManifestLoader.Load(root.Path, Settings(("User", "alice"), ("PasswordSetting", "s3cret")));

        var security = ((KafkaTriggerBinding)manifest.Functions[0].Trigger).Security;
        Assert.Equal(KafkaProtocol.SaslSsl, security.Protocol);
        Assert.Equal(KafkaAuthenticationMode.ScramSha512, security.AuthenticationMode);
        Assert.Equal(("alice", "s3cret", "ca.pem"), (security.Username, security.Password, security.SslCaLocation));
    }

    [Fact]
    public void Timer_and_http_triggers_are_parsed()
    {
        root.WithFunction("CheckThresholds", """
            { "bindings": [ { "type": "timerTrigger", "direction": "in", "name": "tick", "schedule": "%AlertSchedule%", "runOnStartup": true } ],
              "retry": { "strategy": "fixedDelay", "maxRetryCount": 3, "delayInterval": "00:00:10" } }
            """);
        root.WithFunction("Reports", """
            { "bindings": [ { "type": "httpTrigger", "direction": "in", "name": "req", "authLevel": "anonymous", "methods": ["get", "Post"], "route": "reports/{name}" },
                            { "type": "http", "direction": "out", "name": "res" } ] }
            """);

        var manifest = FunctionManifestLoader.Load(root.Path, Settings(("AlertSchedule", "0 */1 * * * *")));

        var timer = Assert.IsType<TimerTriggerBinding>(manifest.Find("CheckThresholds")!.Trigger);
        Assert.Equal(("0 */1 * * * *", true, true), (timer.Schedule, timer.RunOnStartup, timer.UseMonitor));
        Assert.Equal(new RetryPolicy(RetryStrategy.FixedDelay, 3, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10)), manifest.Find("CheckThresholds")!.Retry);
        var reports = manifest.Find("reports")!;
        var http = Assert.IsType<HttpTriggerBinding>(reports.Trigger);
        Assert.Equal(HttpAuthLevel.Anonymous, http.AuthLevel);
        Assert.Equal(["GET", "POST"], http.Methods);
        Assert.Equal("reports/{name}", http.Route);
        Assert.Equal("res", reports.HttpOutput?.Name);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        root.WithFunction("A", Kafka(brokerList: "%Missing1%"));
        root.WithFunction("B", """{ "bindings": [ { "type": "timerTrigger", "name": "t" } ] }""");

        var error = Assert.Throws<FunctionAppConfigurationException>(() => FunctionManifestLoader.Load(root.Path, Settings()));

        Assert.Contains("setting 'Missing1' used by A/function.json (brokerList) is not set", error.Message);
        Assert.Contains("B/function.json: 'schedule' is required", error.Message);
    }

    [Fact]
    public void Exponential_backoff_doubles_up_to_the_maximum()
    {
        var policy = new RetryPolicy(RetryStrategy.ExponentialBackoff, -1, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));

        Assert.Equal([1, 2, 4, 5, 5], Enumerable.Range(1, 5).Select(a => policy.DelayBefore(a).TotalSeconds));
    }

    internal static string Kafka(string brokerList = "%KafkaBrokerList%", string topic = "%KafkaTopic%", string consumerGroup = "%KafkaConsumerGroup%", string dataType = "string") => $$"""
        { "bindings": [ { "type": "kafkaTrigger", "direction": "in", "name": "events", "brokerList": "{{brokerList}}", "topic": "{{topic}}",
                          "consumerGroup": "{{consumerGroup}}", "cardinality": "many", "dataType": "{{dataType}}" } ] }
        """;
}
