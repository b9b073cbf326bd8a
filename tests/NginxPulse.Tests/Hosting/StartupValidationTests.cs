using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NginxPulse.Functions.Hosting;
using NginxPulse.Functions.Hosting.Configuration;
using NginxPulse.Functions.Hosting.Manifest;
using Xunit;

namespace NginxPulse.Tests.Hosting;

/// <summary>What stops the app at start-up, with which message, and where settings and host.json values come from.</summary>
public sealed class StartupValidationTests : IDisposable
{
    private static readonly Dictionary<string, string> KafkaSettings = new()
    {
        ["KafkaBrokerList"] = "127.0.0.1:9", ["KafkaTopic"] = "nginx-access", ["KafkaConsumerGroup"] = "g",
    };

    private readonly TestAppRoot root = new();

    public void Dispose() => root.Dispose();

    [Fact]
    public void A_function_json_without_implementation_fails_naming_it()
    {
        root.WithFunction("IngestAccessLogs");
        var builder = RunningApp.CreateBuilder(root.Path, customHandler: true, KafkaSettings);

        var error = Assert.Throws<FunctionAppConfigurationException>(() => FunctionApp.Build(builder));

        Assert.Contains("function 'IngestAccessLogs' (IngestAccessLogs/function.json, kafkaTrigger) has no implementation registered", error.Message);
    }

    [Fact]
    public void An_implementation_without_function_json_fails_naming_it()
    {
        var builder = RunningApp.CreateBuilder(root.Path, customHandler: true);
        builder.Services.AddKafkaFunction<RecordingFunction>("IngestAccessLogs");

        var error = Assert.Throws<FunctionAppConfigurationException>(() => FunctionApp.Build(builder));

        Assert.Contains("IngestAccessLogs/function.json is not in the app root", error.Message);
    }

    [Fact]
    public void An_implementation_whose_name_differs_fails()
    {
        root.WithFunction("IngestAccessLogs");
        var builder = RunningApp.CreateBuilder(root.Path, customHandler: true, KafkaSettings);
        builder.Services.AddSingleton(new RecordingFunction("SomethingElse"));
        builder.Services.AddKafkaFunction<RecordingFunction>("IngestAccessLogs");

        var error = Assert.Throws<FunctionAppConfigurationException>(() => FunctionApp.Build(builder));

        Assert.Contains("its Name is 'SomethingElse'", error.Message);
    }

    [Fact]
    public void Local_settings_values_in_the_app_root_fill_placeholders_and_environment_wins()
    {
        var envName = "NginxPulseTest_" + Guid.NewGuid().ToString("N");
        root.WithFunction("IngestAccessLogs", FunctionManifestTests.Kafka(brokerList: $"%{envName}%"))
            .WithFile("local.settings.json", $$"""
                { "IsEncrypted": false,
                  "Values": { "{{envName}}": "from-local-settings:9092", "KafkaTopic": "local-topic", "KafkaConsumerGroup": "local-group" } }
                """);
        Environment.SetEnvironmentVariable(envName, "from-environment:9092");
        try
        {
            var builder = RunningApp.CreateBuilder(root.Path, customHandler: true);
            builder.Services.AddKafkaFunction<RecordingFunction>("IngestAccessLogs");

            var manifest = FunctionApp.Build(builder).Services.GetRequiredService<FunctionManifest>();

            var trigger = (KafkaTriggerBinding)manifest.Functions[0].Trigger;
            Assert.Equal(("from-environment:9092", "local-topic", "local-group"), (trigger.BrokerList, trigger.Topic, trigger.ConsumerGroup));
        }
        finally
        {
            Environment.SetEnvironmentVariable(envName, null);
        }
    }

    [Fact]
    public void Host_json_kafka_options_are_read_case_insensitively()
    {
        var hostJson = HostJsonReader.Load(new TestAppRoot("""{ "extensions": { "KAFKA": { "MaxBatchSize": 250, "autooffsetreset": "latest", "maxPollIntervalMs": 600000 } } }""").Path);
        var options = new KafkaHostOptions();

        HostJsonReader.BindKafka(hostJson, new ConfigurationBuilder().Build(), options);

        Assert.Equal((250, KafkaAutoOffsetReset.Latest, 600000), (options.MaxBatchSize, options.AutoOffsetReset, options.MaxPollIntervalMs));
        Assert.Equal(1, options.SubscriberIntervalInSeconds);
    }

    [Fact]
    public void AzureFunctionsJobHost_environment_variable_overrides_host_json()
    {
        // A unique prefix keeps this process-wide variable from reaching the other tests' apps.
        var prefix = "NginxPulseTest_" + Guid.NewGuid().ToString("N") + "_";
        Environment.SetEnvironmentVariable(prefix + "AzureFunctionsJobHost__extensions__kafka__maxBatchSize", "7");
        try
        {
            var appSettings = new ConfigurationBuilder().AddEnvironmentVariables(prefix).Build();
            var options = new KafkaHostOptions();

            HostJsonReader.BindKafka(HostJsonReader.Load(root.Path), appSettings, options);

            Assert.Equal(7, options.MaxBatchSize);
            Assert.False(options.CommitOnFailure);
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + "AzureFunctionsJobHost__extensions__kafka__maxBatchSize", null);
        }
    }

    [Fact]
    public void AzureFunctionsJobHost_value_in_local_settings_overrides_host_json_in_the_app()
    {
        root.WithFunction("IngestAccessLogs").WithFile("local.settings.json", """
            { "Values": { "AzureFunctionsJobHost__extensions__kafka__maxBatchSize": "33", "KafkaBrokerList": "b:9", "KafkaTopic": "t", "KafkaConsumerGroup": "g" } }
            """);
        var builder = RunningApp.CreateBuilder(root.Path, customHandler: true);
        builder.Services.AddKafkaFunction<RecordingFunction>("IngestAccessLogs");

        var options = FunctionApp.Build(builder).Services.GetRequiredService<IOptions<KafkaHostOptions>>().Value;

        Assert.Equal(33, options.MaxBatchSize);
    }

    [Fact]
    public void A_zero_max_batch_size_stops_start_up_naming_it()
    {
        var builder = RunningApp.CreateBuilder(root.Path, customHandler: true,
            new Dictionary<string, string> { ["AzureFunctionsJobHost:extensions:kafka:maxBatchSize"] = "0" });

        var error = Assert.Throws<OptionsValidationException>(() => FunctionApp.Build(builder));

        Assert.Contains("extensions.kafka.maxBatchSize must be > 0", error.Message);
    }

    [Fact]
    public void A_non_numeric_host_json_value_stops_start_up_naming_it()
    {
        var builder = RunningApp.CreateBuilder(new TestAppRoot("""{ "extensions": { "kafka": { "maxBatchSize": "lots" } } }""").Path, customHandler: true);

        var error = Assert.Throws<FunctionAppConfigurationException>(() => FunctionApp.Build(builder));

        Assert.True(error.Message.Contains("extensions:kafka:maxBatchSize", StringComparison.OrdinalIgnoreCase), error.Message);
    }

    [Fact]
    public void A_bad_custom_handler_port_stops_start_up_naming_the_setting()
    {
        var builder = FunctionApp.CreateBuilder([$"--{AppRoot.Setting}={root.Path}", "--FUNCTIONS_CUSTOMHANDLER_PORT=http"]);

        var error = Assert.Throws<OptionsValidationException>(() => FunctionApp.Build(builder));

        Assert.Contains("setting 'FUNCTIONS_CUSTOMHANDLER_PORT' must be a TCP port", error.Message);
    }

    [Fact]
    public async Task Invalid_KafkaConsumerConfig_stops_standalone_start_up_naming_the_setting()
    {
        var builder = RunningApp.CreateBuilder(root.Path, customHandler: false,
            new Dictionary<string, string> { ["KafkaConsumerConfig"] = "{\"enable.auto.commit\":\"true\"}" });
        await using var app = FunctionApp.Build(builder);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("setting 'KafkaConsumerConfig' may not set 'enable.auto.commit'", error.Message);
    }

    [Fact]
    public async Task Standalone_mode_serves_health_on_the_configured_url()
    {
        await using var app = await RunningApp.StartAsync(RunningApp.CreateBuilder(root.Path, customHandler: false));

        using var response = await app.Http.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("127.0.0.1", app.Address.Host);
    }
}
