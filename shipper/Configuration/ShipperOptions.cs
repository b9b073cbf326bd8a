namespace NginxPulse.Shipper.Configuration;

/// <summary>The whole agent configuration, bound from the JSON file, NGINXPULSE_SHIPPER_* variables and the command line.</summary>
public sealed class ShipperOptions
{
    /// <summary>Written into every event and used as the Kafka key (one partition per host keeps its order).</summary>
    public string Host { get; set; } = Environment.MachineName;

    public List<InputOptions> Inputs { get; set; } = [];

    public KafkaOptions Kafka { get; set; } = new();

    public RegistryOptions Registry { get; set; } = new();

    public MetricsOptions Metrics { get; set; } = new();

    /// <summary>How often the globs are expanded; new files are picked up within this interval.</summary>
    public TimeSpan ScanInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How often an open file at its end is checked for new bytes, truncation or deletion.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>A file renamed away from every glob (rotation) is closed after this long without growth.</summary>
    public TimeSpan CloseRenamedAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A deleted file is read to its end, but never held open longer than this (the disk space must come back).</summary>
    public TimeSpan DeletedFileGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Bytes of a new file hashed into its identity: the first line or this many bytes, whichever is shorter.</summary>
    public int FingerprintBytes { get; set; } = 1024;

    public TimeSpan StatsInterval { get; set; } = TimeSpan.FromSeconds(60);
}

public enum StartPosition { Beginning, End }

public sealed class InputOptions
{
    /// <summary>Names the input in logs and metrics; defaults to its first path.</summary>
    public string? Name { get; set; }

    /// <summary>Absolute path globs (*, ?, ** and [...] in file and directory names).</summary>
    public List<string> Paths { get; set; } = [];

    /// <summary>Globs of files never read: absolute, or a bare file-name pattern such as *.gz.</summary>
    public List<string> Exclude { get; set; } = [];

    public List<string> Tags { get; set; } = [];

    public Dictionary<string, string> Fields { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Overrides Kafka:Topic for this input.</summary>
    public string? Topic { get; set; }

    /// <summary>Where a file first seen at start-up (and unknown to the registry) is read from. Files created later are always read from their start.</summary>
    public StartPosition StartAt { get; set; } = StartPosition.Beginning;

    /// <summary>utf-8 (invalid bytes travel as lineBase64) or latin1 (transcoded to UTF-8).</summary>
    public string Encoding { get; set; } = "utf-8";

    /// <summary>Longer lines are cut to this many bytes and flagged "truncated", never dropped.</summary>
    public int MaxLineBytes { get; set; } = 64 * 1024;

    public string DisplayName => Name ?? (Paths.Count > 0 ? Paths[0] : "(unnamed)");
}

public sealed class KafkaOptions
{
    public string BootstrapServers { get; set; } = "";

    public string Topic { get; set; } = "nginx-access";

    /// <summary>Any librdkafka producer property (sasl.*, ssl.*, linger.ms, ...); these win over the built-in defaults.</summary>
    public Dictionary<string, string> Properties { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Upper bound on lines produced but not yet acknowledged; reading pauses when it is reached. Two batches of
    /// 10,000 keep the broker busy (README, shipper benchmark: a larger bound ships no faster, only costs memory).
    /// </summary>
    public int MaxInFlightMessages { get; set; } = 20_000;

    /// <summary>Upper bound on event bytes produced but not yet acknowledged (held once, in librdkafka's queue).</summary>
    public long MaxInFlightBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>How long shutdown waits for outstanding acknowledgements before saving the registry.</summary>
    public TimeSpan ShutdownFlushTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

public sealed class RegistryOptions
{
    public string Path { get; set; } = "/var/lib/nginxpulse-shipper/registry.json";

    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>An entry whose file has not been seen for this long is forgotten.</summary>
    public TimeSpan ForgetAfter { get; set; } = TimeSpan.FromDays(7);
}

public sealed class MetricsOptions
{
    /// <summary>Port of the Prometheus endpoint http://127.0.0.1:PORT/metrics; 0 turns it off.</summary>
    public int Port { get; set; } = 9145;

    public string BindAddress { get; set; } = "127.0.0.1";
}
