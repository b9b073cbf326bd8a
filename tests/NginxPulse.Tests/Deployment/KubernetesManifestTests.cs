using Xunit;
using static NginxPulse.Tests.Deployment.DeploymentFile;

namespace NginxPulse.Tests.Deployment;

/// <summary>The Kubernetes manifests checked for what KEDA, the Functions host and the app need to agree on.</summary>
public sealed class KubernetesManifestTests
{
    private const int Partitions = 3;

    private static readonly string[] Files =
        ["infra/kubernetes/settings.yaml", "infra/kubernetes/functions-host.yaml", "infra/kubernetes/functions-standalone.yaml", "infra/kubernetes/nginx-with-shipper.yaml"];

    private static readonly IReadOnlyList<Dictionary<object, object>> Documents = Files.SelectMany(YamlDocuments).ToArray();

    private static IEnumerable<Dictionary<object, object>> OfKind(string kind) => Documents.Where(d => Text(d, "kind") == kind);

    private static Dictionary<object, object> Named(string kind, string name) =>
        OfKind(kind).Single(d => Text(Map(d, "metadata"), "name") == name);

    private static Dictionary<object, object> Container(Dictionary<object, object> deployment) =>
        Map(List(Map(Map(Map(deployment, "spec"), "template"), "spec"), "containers")[0], "container");

    private static Dictionary<string, string?> Env(Dictionary<object, object> container) =>
        (container.GetValueOrDefault("env") as List<object> ?? []).Select(e => Map(e, "env"))
            .ToDictionary(e => Text(e, "name"), e => e.GetValueOrDefault("value")?.ToString());

    [Fact]
    public void Every_document_has_an_api_version_kind_and_name()
    {
        Assert.All(Documents, d =>
        {
            Assert.False(string.IsNullOrEmpty(Text(d, "apiVersion")));
            Assert.False(string.IsNullOrEmpty(Text(Map(d, "metadata"), "name")));
        });
    }

    [Fact]
    public void Scaled_objects_watch_the_consumer_group_the_functions_use_from_earliest_and_never_exceed_the_partitions()
    {
        var group = Text(Map(Named("ConfigMap", "nginxpulse-settings"), "data"), "KafkaConsumerGroup");
        var deployments = OfKind("Deployment").Select(d => Text(Map(d, "metadata"), "name")).ToHashSet();
        var scaled = OfKind("ScaledObject").ToArray();

        Assert.Equal(2, scaled.Length);
        foreach (var scaledObject in scaled)
        {
            var spec = Map(scaledObject, "spec");
            Assert.Contains(Text(Map(spec, "scaleTargetRef"), "name"), deployments);
            Assert.InRange(int.Parse(Text(spec, "minReplicaCount"), System.Globalization.CultureInfo.InvariantCulture), 1, Partitions);
            Assert.InRange(int.Parse(Text(spec, "maxReplicaCount"), System.Globalization.CultureInfo.InvariantCulture), 1, Partitions);
            var kafka = Map(List(spec, "triggers").Select(t => Map(t, "trigger")).Single(t => Text(t, "type") == "kafka"), "metadata");
            Assert.Equal(group, Text(kafka, "consumerGroup"));
            Assert.Equal("earliest", Text(kafka, "offsetResetPolicy"));
            Assert.Equal("nginx-access", Text(kafka, "topic"));
        }
    }

    [Fact]
    public void Host_replicas_share_one_host_id_and_keep_keys_in_a_secret_they_may_write()
    {
        var env = Env(Container(Named("Deployment", "nginxpulse-functions")));

        Assert.Matches("^[a-z0-9-]{1,32}$", env["AzureFunctionsWebHost__hostid"]);
        Assert.Equal("kubernetes", env["AzureWebJobsSecretStorageType"]);
        var verbs = List(Map(List(Named("Role", "nginxpulse-function-keys"), "rules")[0], "rule"), "verbs");
        Assert.Contains("create", verbs);
        Assert.Contains("update", verbs);
    }

    [Theory]
    [InlineData("nginxpulse-functions")]
    [InlineData("nginxpulse-standalone")]
    public void Function_deployments_get_every_setting_their_function_json_needs_from_secret_or_config_map(string deployment)
    {
        var container = Container(Named("Deployment", deployment));
        var configMap = Map(Named("ConfigMap", "nginxpulse-settings"), "data").Keys.Select(k => k.ToString()!);
        var secret = Map(Named("Secret", "nginxpulse-secrets"), "stringData").Keys.Select(k => k.ToString()!).ToHashSet();
        var provided = configMap.Concat(Env(container).Keys).ToHashSet();

        Assert.All(SettingsWithoutDefault(), s => Assert.True(provided.Contains(s), $"{deployment} gets {s}"));
        Assert.True(provided.Contains("MySqlConnection"), $"{deployment} gets MySqlConnection");
        foreach (var reference in (container.GetValueOrDefault("env") as List<object> ?? []).Select(e => Map(e, "env")))
        {
            if (reference.GetValueOrDefault("valueFrom") is not Dictionary<object, object> from || from.GetValueOrDefault("secretKeyRef") is not Dictionary<object, object> key) continue;
            Assert.Equal("nginxpulse-secrets", Text(key, "name"));
            Assert.Contains(Text(key, "key"), secret);
        }
    }

    [Fact]
    public void The_shipper_sidecar_tails_the_file_nginx_writes_and_keeps_its_registry_on_a_volume()
    {
        var pod = Map(Map(Map(Named("Deployment", "nginx"), "spec"), "template"), "spec");
        var containers = List(pod, "containers").Select(c => Map(c, "container")).ToDictionary(c => Text(c, "name"));
        var logFormat = Text(Map(Named("ConfigMap", "nginx-log-format"), "data"), "00-nginxpulse-log-format.conf");
        var shipperEnv = Env(containers["shipper"]);

        Assert.Contains($"access_log {shipperEnv["NGINXPULSE_SHIPPER_Inputs__0__Paths__0"]} main;", logFormat);
        var mounts = List(containers["shipper"], "volumeMounts").Select(m => Map(m, "mount")).ToDictionary(m => Text(m, "name"), m => Text(m, "mountPath"));
        Assert.Equal("/var/lib/nginxpulse-shipper", mounts["registry"]);
        Assert.StartsWith(mounts["logs"] + "/", shipperEnv["NGINXPULSE_SHIPPER_Inputs__0__Paths__0"]);
    }
}
