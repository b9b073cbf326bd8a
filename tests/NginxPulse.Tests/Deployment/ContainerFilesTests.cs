using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;
using static NginxPulse.Tests.Deployment.DeploymentFile;

namespace NginxPulse.Tests.Deployment;

/// <summary>
/// What can be checked here of the Dockerfiles and the compose file (no Docker engine on this machine): structure,
/// the topology they promise, settings they must pass, and files they reference.
/// </summary>
public sealed partial class ContainerFilesTests
{
    private static readonly Dictionary<object, object> Compose = YamlDocuments("infra/compose/docker-compose.yml").Single();
    private static Dictionary<object, object> Services => Map(Compose, "services");
    private static Dictionary<object, object> Service(string name) => Map(Services, name);
    private static Dictionary<object, object> Environment(string service) => Map(Service(service), "environment");

    [Fact]
    public void Compose_runs_a_three_broker_kraft_cluster_with_replication_three_and_min_isr_two()
    {
        var brokers = Services.Keys.Select(k => k.ToString()!).Where(k => k.StartsWith("kafka-", StringComparison.Ordinal) && k != "kafka-topics").ToArray();
        Assert.Equal(["kafka-1", "kafka-2", "kafka-3"], brokers);
        foreach (var broker in brokers)
        {
            var env = Environment(broker);
            Assert.Equal("broker,controller", Text(env, "KAFKA_PROCESS_ROLES"));
            Assert.Equal("1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093", Text(env, "KAFKA_CONTROLLER_QUORUM_VOTERS"));
            Assert.Equal(broker[^1..], Text(env, "KAFKA_NODE_ID"));
            Assert.Equal($"PLAINTEXT://{broker}:9092", Text(env, "KAFKA_ADVERTISED_LISTENERS"));
            Assert.Equal("2", Text(env, "KAFKA_MIN_INSYNC_REPLICAS"));
            Assert.Equal("3", Text(env, "KAFKA_DEFAULT_REPLICATION_FACTOR"));
            Assert.Equal("false", Text(env, "KAFKA_AUTO_CREATE_TOPICS_ENABLE"));
        }
        var create = string.Join(' ', List(Service("kafka-topics"), "command"));
        Assert.Contains("--topic nginx-access --partitions 3 --replication-factor 3 --config min.insync.replicas=2", create);
    }

    [Fact]
    public void Compose_has_mysql_8_with_local_infile_and_azurite_for_the_hosts_timers()
    {
        Assert.StartsWith("mysql:8", Text(Service("mysql"), "image"));
        Assert.Contains("--local-infile=1", List(Service("mysql"), "command").Select(c => c.ToString()));
        Assert.StartsWith("mcr.microsoft.com/azure-storage/azurite", Text(Service("azurite"), "image"));
        Assert.Contains("BlobEndpoint=http://azurite:10000/", Text(Environment("functions"), "AzureWebJobsStorage"));
    }

    [Theory]
    [InlineData("functions")]
    [InlineData("functions-standalone")]
    public void Compose_gives_the_function_app_every_setting_its_function_json_needs(string service)
    {
        var env = Environment(service);
        Assert.All(SettingsWithoutDefault(), setting => Assert.True(env.ContainsKey(setting), $"{service} sets {setting}"));
        Assert.Equal("kafka-1:9092,kafka-2:9092,kafka-3:9092", Text(env, "KafkaBrokerList"));
        var mysql = Environment("mysql");
        Assert.Contains($"Password={Text(mysql, "MYSQL_PASSWORD")};", Text(env, "MySqlConnection"));
        Assert.Contains("AllowLoadLocalInfile=true", Text(env, "MySqlConnection"));
    }

    [Fact]
    public void Compose_host_app_shares_one_host_id_and_the_shipper_tails_the_file_nginx_writes()
    {
        Assert.Matches("^[a-z0-9-]{1,32}$", Text(Environment("functions"), "AzureFunctionsWebHost__hostid"));
        var nginxVolume = List(Service("nginx"), "volumes").Select(v => v.ToString()!).Single(v => v.StartsWith("nginx-logs:", StringComparison.Ordinal));
        var shipperVolume = List(Service("shipper"), "volumes").Select(v => v.ToString()!).Single(v => v.StartsWith("nginx-logs:", StringComparison.Ordinal));
        var logDir = nginxVolume.Split(':')[1];
        Assert.Equal(logDir, shipperVolume.Split(':')[1]);
        var accessLog = File.ReadAllText(PathOf("infra/compose/nginx-access-log.conf"));
        Assert.Contains($"access_log {logDir}/access.log main;", accessLog);
        Assert.Equal($"{logDir}/access.log", Text(Environment("shipper"), "NGINXPULSE_SHIPPER_Inputs__0__Paths__0"));
    }

    [Fact]
    public void Compose_references_only_files_and_dockerfiles_that_exist()
    {
        foreach (var (name, definition) in Services.Select(s => (s.Key.ToString()!, Map(s.Value, s.Key.ToString()!))))
        {
            if (definition.GetValueOrDefault("build") is Dictionary<object, object> build)
                Assert.True(File.Exists(PathOf(Path.Combine("infra/compose", Text(build, "context"), Text(build, "dockerfile")))), $"{name}: dockerfile exists");
            if (definition.GetValueOrDefault("volumes") is not List<object> volumes) continue;
            foreach (var source in volumes.Select(v => v.ToString()!.Split(':')[0]).Where(s => s.StartsWith('.')))
                Assert.True(File.Exists(PathOf(Path.Combine("infra/compose", source))), $"{name}: {source} exists");
        }
    }

    [Fact]
    public void Host_dockerfile_runs_the_custom_handler_on_the_functions_image_with_a_bundle_that_fits_host_json()
    {
        var dockerfile = File.ReadAllText(PathOf("infra/functions/Dockerfile"));
        var stages = FromLine().Matches(dockerfile).Select(m => m.Groups[1].Value).ToArray();
        Assert.Equal("mcr.microsoft.com/azure-functions/dotnet:4", stages[^1]);
        Assert.Contains("FUNCTIONS_WORKER_RUNTIME=custom", dockerfile);
        Assert.Contains("AzureWebJobsScriptRoot=/home/site/wwwroot", dockerfile);
        Assert.Contains("infra/functions/assemble /home/site/wwwroot", dockerfile);
        var bundle = BundleVersion().Match(dockerfile).Groups[1].Value;
        var range = JsonDocument.Parse(File.ReadAllText(PathOf("host.json"))).RootElement.GetProperty("extensionBundle").GetProperty("version").GetString();
        Assert.Equal("[4.*, 5.0.0)", range);
        Assert.StartsWith("4.", bundle);
        Assert.Contains($"/FuncExtensionBundles/Microsoft.Azure.Functions.ExtensionBundle/${{BUNDLE_VERSION}}", dockerfile);
    }

    [Theory]
    [InlineData("infra/functions/Dockerfile")]
    [InlineData("infra/functions/Dockerfile.standalone")]
    [InlineData("infra/shipper/Dockerfile")]
    public void Dockerfiles_copy_only_what_the_repository_has(string path)
    {
        foreach (Match copy in CopyLine().Matches(File.ReadAllText(PathOf(path))))
        {
            var sources = copy.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..^1];
            Assert.All(sources.Where(s => s != "."), s => Assert.True(File.Exists(PathOf(s)) || Directory.Exists(PathOf(s)), $"{path}: COPY {s} exists"));
        }
    }

    [GeneratedRegex(@"^FROM\s+(\S+)", RegexOptions.Multiline)]
    private static partial Regex FromLine();

    [GeneratedRegex(@"ARG BUNDLE_VERSION=(\S+)")]
    private static partial Regex BundleVersion();

    // COPY without --from: sources from the build context.
    [GeneratedRegex(@"^COPY\s+(?!--from)(.+)$", RegexOptions.Multiline)]
    private static partial Regex CopyLine();
}
