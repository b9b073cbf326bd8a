using System.Net;
using System.Text.Json.Nodes;
using NginxPulse.KafkaMock;
using NginxPulse.Tests.Storage;
using NginxPulse.Tests.Support;

namespace NginxPulse.Tests.EndToEnd;

/// <summary>
/// Every part for real, on loopback: nginx (infra/local/nginx/nginx-server) logging to a file, the shipper process
/// tailing it into a 3-broker local Kafka cluster, the function app process standalone, MariaDB. Each part can be
/// killed (SIGKILL) and started again.
/// </summary>
public sealed class WholeSystem : IAsyncDisposable
{
    public const string Topic = "nginx-access";
    public const string ConsumerGroup = "e2e";
    public const string ApiKey = "e2e-api-key-0123456789";
    public static readonly string[] VirtualHosts = ["www.e2e.test", "shop.e2e.test", "api.e2e.test"];

    private readonly MockKafkaCluster _cluster = new(3);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "np-e2e-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly Dictionary<string, string?> _appSettings;
    private ChildProcess? _app;
    private ChildProcess? _shipper;

    private WholeSystem(TestDatabase db, int appPort, IReadOnlyDictionary<string, string?> extraAppSettings)
    {
        Database = db;
        AppUrl = new Uri($"http://127.0.0.1:{appPort}");
        _cluster.CreateTopic(Topic, 3);
        _appSettings = new Dictionary<string, string?>
        {
            ["KafkaBrokerList"] = _cluster.BootstrapServers,
            ["KafkaTopic"] = Topic,
            ["KafkaConsumerGroup"] = ConsumerGroup,
            ["MySqlConnection"] = db.ConnectionString,
            ["NginxPulseHttpUrl"] = AppUrl.ToString().TrimEnd('/'),
            ["NginxPulseApiKey"] = ApiKey,
            // The nginx of this test logs its own format; the shipper tags its lines so the app picks it.
            ["Parsing__Formats__timed"] = "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\" \"$http_x_forwarded_for\" $request_time \"$host\"",
            ["Parsing__Sources__0__Tag"] = "e2e",
            ["Parsing__Sources__0__Formats"] = "timed",
            ["AzureFunctionsJobHost__extensions__kafka__maxBatchSize"] = "500",
            ["FUNCTIONS_CUSTOMHANDLER_PORT"] = null,
            ["NginxPulseAppRoot"] = null,
        };
        foreach (var (name, value) in extraAppSettings) _appSettings[name] = value;
    }

    public TestDatabase Database { get; }

    public Uri NginxUrl { get; private set; } = null!;

    public Uri AppUrl { get; }

    public string AccessLog => Path.Combine(_dir, "nginx", "access.log");

    public string Directory => _dir;

    public static async Task<WholeSystem> StartAsync(IReadOnlyDictionary<string, string?>? appSettings = null)
    {
        var db = await TestDatabase.CreateAsync(migrate: false);
        var system = new WholeSystem(db, LoopbackPort.Free(), appSettings ?? new Dictionary<string, string?>());
        await system.StartNginxAsync();
        system.StartApp();
        system.StartShipper();
        await system.WaitForAppAsync();
        return system;
    }

    private async Task StartNginxAsync() =>
        NginxUrl = new Uri($"http://127.0.0.1:{await StartNginxAsync(Path.Combine(_dir, "nginx"), LoopbackPort.Free)}");

    /// <summary>
    /// nginx in <paramref name="dir"/> on a port from <paramref name="freePort"/>; returns the port. A port found free can
    /// be taken before nginx binds it (another process's outgoing connection, a test broker): nginx then fails with
    /// "Address already in use" and starts again on the next port, up to three tries.
    /// </summary>
    internal static async Task<int> StartNginxAsync(string dir, Func<int> freePort)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = freePort();
            try
            {
                await RunScriptAsync("infra/local/nginx/nginx-server", "start", dir, port.ToString(System.Globalization.CultureInfo.InvariantCulture));
                return port;
            }
            catch (InvalidOperationException e) when (attempt < 3 && e.Message.Contains("Address already in use", StringComparison.Ordinal))
            {
            }
        }
    }

    internal static Task StopNginxAsync(string dir) => RunScriptAsync("infra/local/nginx/nginx-server", "stop", dir);

    public void StartApp() => _app = ChildProcess.Start(ChildProcess.FunctionAppPath, [], _appSettings);

    public void StartShipper()
    {
        var config = new JsonObject
        {
            ["Host"] = "e2e-web-1",
            ["Inputs"] = new JsonArray(new JsonObject
            {
                ["Name"] = "nginx", ["Paths"] = new JsonArray(AccessLog), ["Tags"] = new JsonArray("e2e"), ["StartAt"] = "Beginning",
            }),
            ["Kafka"] = new JsonObject
            {
                ["BootstrapServers"] = _cluster.BootstrapServers, ["Topic"] = Topic,
                ["Properties"] = new JsonObject { ["linger.ms"] = "5" },
            },
            ["Registry"] = new JsonObject { ["Path"] = Path.Combine(_dir, "shipper", "registry.json"), ["FlushInterval"] = "00:00:00.200" },
            ["Metrics"] = new JsonObject { ["Port"] = 0 },
            ["ScanInterval"] = "00:00:00.100",
            ["PollInterval"] = "00:00:00.050",
        };
        var path = Path.Combine(_dir, "shipper", "shipper.json");
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, config.ToJsonString());
        _shipper = ChildProcess.Start(Path.Combine(AppContext.BaseDirectory, "NginxPulse.Shipper"), ["--config", path], new Dictionary<string, string?>());
    }

    /// <summary>SIGKILL: no flush, no registry save, no offset commit — what a crash or the Functions host's restart does.</summary>
    public void KillApp() => Interlocked.Exchange(ref _app, null)?.Dispose();

    public void KillShipper() => Interlocked.Exchange(ref _shipper, null)?.Dispose();

    public string Logs => $"--- function app:\n{_app?.StandardError}\n--- shipper:\n{_shipper?.StandardError}";

    public async Task WaitForAppAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await Eventually.TrueAsync(async () =>
        {
            if (_app is { HasExited: true } app) throw new InvalidOperationException($"the function app exited with {app.ExitCode}:\n{app.StandardError}");
            try { return (await http.GetAsync(new Uri(AppUrl, "/healthz"))).StatusCode == HttpStatusCode.OK; }
            catch (HttpRequestException) { return false; }
            catch (TaskCanceledException) { return false; }
        }, TimeSpan.FromSeconds(60), () => $"the function app answering /healthz\n{Logs}");
    }

    /// <summary>Access-log rows plus dead letters: every line that reached the database.</summary>
    public async Task<long> StoredLinesAsync()
    {
        try { return await Database.ScalarAsync("SELECT (SELECT COUNT(*) FROM access_log) + (SELECT COUNT(*) FROM dead_letter)"); }
        catch (MySql.Data.MySqlClient.MySqlException) { return -1; }
    }

    public async Task WaitUntilStoredAsync(long served, TimeSpan timeout) =>
        await Eventually.TrueAsync(async () => await StoredLinesAsync() >= served, timeout,
            () => $"{served} requests stored (stored {StoredLinesAsync().GetAwaiter().GetResult()}, logged {File.ReadLines(AccessLog).Count()})\n{Logs}");

    private static Task RunScriptAsync(string script, params string[] args) =>
        MariaDbScript.RunScriptAsync(Path.Combine(MariaDbScript.RepoRoot, script), args);

    public async ValueTask DisposeAsync()
    {
        KillShipper();
        KillApp();
        await StopNginxAsync(Path.Combine(_dir, "nginx"));
        _cluster.Dispose();
        await Database.DisposeAsync();
        try { System.IO.Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }
}
