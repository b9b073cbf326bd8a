using System.Text.Json;
using System.Text.Json.Nodes;

namespace NginxPulse.Shipper.Tests.Support;

/// <summary>A temporary directory with the logs, the registry and the configuration file of one test.</summary>
public sealed class ShipperSetup : IDisposable
{
    public ShipperSetup(TestBroker broker)
    {
        Broker = broker;
        Directory.CreateDirectory(LogDir);
        Config = new JsonObject
        {
            ["Host"] = "test-host",
            ["Kafka"] = new JsonObject
            {
                ["BootstrapServers"] = broker.BootstrapServers,
                ["Topic"] = broker.Topic,
                ["Properties"] = new JsonObject { ["linger.ms"] = "5" },
            },
            ["Registry"] = new JsonObject { ["Path"] = RegistryPath, ["FlushInterval"] = "00:00:00.200" },
            ["Metrics"] = new JsonObject { ["Port"] = 0 },
            ["ScanInterval"] = "00:00:00.100",
            ["PollInterval"] = "00:00:00.050",
            ["CloseRenamedAfter"] = "00:00:01",
            ["StatsInterval"] = "00:00:00",
            ["Inputs"] = new JsonArray(Input("access", Path.Combine(LogDir, "access.log"))),
        };
    }

    public TestBroker Broker { get; }

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "np-shipper-" + Guid.NewGuid().ToString("N")[..10]);

    public string LogDir => Path.Combine(Root, "logs");

    public string RegistryPath => Path.Combine(Root, "state", "registry.json");

    public string ConfigPath => Path.Combine(Root, "shipper.json");

    public JsonObject Config { get; }

    public string Log(string name) => Path.Combine(LogDir, name);

    public static JsonObject Input(string name, params string[] paths) => new()
    {
        ["Name"] = name,
        ["Paths"] = new JsonArray(paths.Select(p => (JsonNode)p).ToArray()),
    };

    public JsonArray Inputs => Config["Inputs"]!.AsArray();

    public JsonObject FirstInput => Inputs[0]!.AsObject();

    /// <summary>Writes the configuration file (a sibling temp file renamed over it, as deployment tools do).</summary>
    public void WriteConfig()
    {
        var temp = ConfigPath + ".tmp";
        File.WriteAllText(temp, Config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.Move(temp, ConfigPath, overwrite: true);
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
    }
}
