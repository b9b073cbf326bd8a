using System.Net.Http.Json;
using System.Text.Json;
using NginxPulse.Functions.Hosting.Timers;
using NginxPulse.Tests.Storage;
using NginxPulse.Tests.Support;
using Xunit;

namespace NginxPulse.Tests.Deployment;

/// <summary>
/// The assembled script root checked against functions-contract.md: what `func start --script-root` and the
/// container images need to find, and the handler starting the way the host starts it.
/// </summary>
public sealed class FunctionAppFolderTests
{
    private static JsonElement Read(string path) => JsonDocument.Parse(File.ReadAllText(path)).RootElement;

    private static async Task<(string Root, JsonElement HostJson, (string Name, JsonElement Json)[] Functions)> LoadAsync()
    {
        var root = await AssembledFunctionApp.PathAsync();
        var functions = Directory.GetDirectories(root)
            .Where(dir => File.Exists(Path.Combine(dir, "function.json")))
            .Select(dir => (Path.GetFileName(dir), Read(Path.Combine(dir, "function.json"))))
            .OrderBy(f => f.Item1, StringComparer.Ordinal)
            .ToArray();
        return (root, Read(Path.Combine(root, "host.json")), functions);
    }

    [Fact]
    public async Task Host_json_declares_a_custom_handler_whose_executable_is_in_the_root_with_its_exec_bit()
    {
        var (root, host, _) = await LoadAsync();

        Assert.Equal("2.0", host.GetProperty("version").GetString());
        var bundle = host.GetProperty("extensionBundle");
        Assert.Equal("Microsoft.Azure.Functions.ExtensionBundle", bundle.GetProperty("id").GetString());
        Assert.Equal("[4.*, 5.0.0)", bundle.GetProperty("version").GetString());
        var handler = host.GetProperty("customHandler");
        var executable = Path.Combine(root, handler.GetProperty("description").GetProperty("defaultExecutablePath").GetString()!);
        Assert.True(File.Exists(executable), $"{executable} exists");
        Assert.True(!OperatingSystem.IsWindows() && File.GetUnixFileMode(executable).HasFlag(UnixFileMode.UserExecute), $"{executable} is executable");
        // Reports answer with their own status codes and content types only when the host forwards requests (1.2).
        Assert.True(handler.GetProperty("enableForwardingHttpRequest").GetBoolean());
    }

    [Fact]
    public async Task Host_json_kafka_options_never_commit_a_failed_batch()
    {
        var (_, host, _) = await LoadAsync();

        var kafka = host.GetProperty("extensions").GetProperty("kafka");
        Assert.False(kafka.GetProperty("commitOnFailure").GetBoolean());
        Assert.Equal(-1, kafka.GetProperty("maxRetries").GetInt32());
    }

    [Fact]
    public async Task Every_function_folder_has_one_trigger_and_http_functions_qualify_for_forwarding()
    {
        var (_, _, functions) = await LoadAsync();

        Assert.Contains(functions, f => f.Name == "IngestAccessLogs");
        foreach (var (name, json) in functions)
        {
            var bindings = json.GetProperty("bindings").EnumerateArray().ToArray();
            var triggers = bindings.Where(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal)).ToArray();
            Assert.True(triggers.Length == 1, $"{name}/function.json has one trigger");
            var type = triggers[0].GetProperty("type").GetString();
            if (type == "kafkaTrigger")
            {
                Assert.Equal("many", triggers[0].GetProperty("cardinality").GetString());
                Assert.Equal("string", triggers[0].GetProperty("dataType").GetString());
            }
            if (type == "httpTrigger")
            {
                // Exactly an httpTrigger in and an http out, or the host envelopes instead of forwarding (1.2).
                Assert.Equal(["httpTrigger", "http"], bindings.Select(b => b.GetProperty("type").GetString()));
            }
        }
    }

    [Fact]
    public async Task Every_setting_a_function_json_names_has_a_default_and_a_value_in_the_local_settings_sample()
    {
        var (root, _, functions) = await LoadAsync();
        var defaults = Read(Path.Combine(root, "settings.defaults.json")).GetProperty("Values").EnumerateObject().Select(v => v.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        // func start reads local.settings.json only, so the sample must name every placeholder itself.
        var sample = Read(Path.Combine(MariaDbScript.RepoRoot, "local.settings.sample.json")).GetProperty("Values").EnumerateObject().Select(v => v.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);

        var used = functions.SelectMany(f => DeploymentFile.Placeholder().Matches(f.Json.GetRawText()).Select(m => (f.Name, Setting: m.Groups[1].Value))).ToArray();

        Assert.Contains(used, u => u.Setting == "CheckThresholdsSchedule");
        Assert.All(used, u => Assert.True(sample.Contains(u.Setting), $"{u.Name}/function.json uses %{u.Setting}%, which local.settings.sample.json does not set"));
        Assert.All(used.Where(u => !u.Setting.StartsWith("Kafka", StringComparison.Ordinal)),
            u => Assert.True(defaults.Contains(u.Setting), $"{u.Name}/function.json uses %{u.Setting}%, which settings.defaults.json does not default"));
    }

    [Fact]
    public async Task Timer_schedules_with_their_defaults_are_valid_ncrontab()
    {
        var (root, _, functions) = await LoadAsync();
        var defaults = Read(Path.Combine(root, "settings.defaults.json")).GetProperty("Values");

        foreach (var (name, json) in functions)
        {
            foreach (var trigger in json.GetProperty("bindings").EnumerateArray().Where(b => b.GetProperty("type").GetString() == "timerTrigger"))
            {
                var schedule = DeploymentFile.Placeholder().Replace(trigger.GetProperty("schedule").GetString()!, m => defaults.GetProperty(m.Groups[1].Value).GetString()!);
                var parsed = TimerSchedule.Parse(schedule, TimeZoneInfo.Utc);
                Assert.True(parsed.Next(DateTimeOffset.UtcNow) is not null, $"{name}: '{schedule}' fires");
            }
        }
    }

    [Fact]
    public async Task The_handler_answers_the_hosts_readiness_poll_on_the_port_it_is_given()
    {
        var (root, _, _) = await LoadAsync();
        await using var db = await TestDatabase.CreateAsync(migrate: false);
        var port = LoopbackPort.Free();
        var environment = new Dictionary<string, string?>
        {
            ["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["KafkaBrokerList"] = "127.0.0.1:9", ["KafkaTopic"] = "nginx-access", ["KafkaConsumerGroup"] = "g",
            ["MySqlConnection"] = db.ConnectionString,
            ["NginxPulseAppRoot"] = null,
        };

        using var handler = ChildProcess.Start(Path.Combine(root, "NginxPulse.Functions"), [], environment);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(2) };
        JsonElement? reply = null;
        await Eventually.TrueAsync(async () =>
        {
            if (handler.HasExited) throw new InvalidOperationException($"the handler exited with {handler.ExitCode}: {handler.StandardError}");
            try { reply = await http.GetFromJsonAsync<JsonElement>("/"); return true; }
            catch (HttpRequestException) { return false; }
        }, TimeSpan.FromSeconds(30), "the handler answering GET / (the host gives it 30 s)");

        Assert.True(reply!.Value.TryGetProperty("Outputs", out _));
    }
}
