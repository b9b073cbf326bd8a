using System.Net;

namespace NginxPulse.Shipper.Configuration;

/// <summary>Checks a configuration before it runs, naming each bad setting by its configuration key.</summary>
public static class ShipperOptionsValidator
{
    private const int MaxLineBytesLimit = 16 * 1024 * 1024;

    public static IReadOnlyList<string> Validate(ShipperOptions o, bool requireInputs = true)
    {
        var errors = new List<string>();
        void Require(bool ok, string message) { if (!ok) errors.Add(message); }

        Require(!string.IsNullOrWhiteSpace(o.Host), "Host must not be empty");
        Require(!string.IsNullOrWhiteSpace(o.Kafka.BootstrapServers), "Kafka:BootstrapServers is required (host:port[,host:port...])");
        Require(IsTopic(o.Kafka.Topic), $"Kafka:Topic '{o.Kafka.Topic}' is not a valid topic name");
        Require(o.Kafka.MaxInFlightMessages > 0, "Kafka:MaxInFlightMessages must be positive");
        Require(o.Kafka.MaxInFlightBytes >= 1024 * 1024, "Kafka:MaxInFlightBytes must be at least 1048576");
        Require(o.Kafka.ShutdownFlushTimeout >= TimeSpan.Zero, "Kafka:ShutdownFlushTimeout must not be negative");
        foreach (var (key, value) in o.Kafka.Properties)
            Require(!string.IsNullOrWhiteSpace(key) && value is not null, $"Kafka:Properties:{key} needs a name and a value");
        Require(!string.IsNullOrWhiteSpace(o.Registry.Path), "Registry:Path is required");
        Require(o.Registry.FlushInterval > TimeSpan.Zero, "Registry:FlushInterval must be positive");
        Require(o.Registry.ForgetAfter > TimeSpan.Zero, "Registry:ForgetAfter must be positive");
        Require(o.Metrics.Port is >= 0 and <= 65535, $"Metrics:Port {o.Metrics.Port} is not a port (0 turns the endpoint off)");
        Require(IPAddress.TryParse(o.Metrics.BindAddress, out _), $"Metrics:BindAddress '{o.Metrics.BindAddress}' is not an IP address");
        Require(o.ScanInterval >= TimeSpan.FromMilliseconds(10), "ScanInterval must be at least 10 ms");
        Require(o.PollInterval >= TimeSpan.FromMilliseconds(10), "PollInterval must be at least 10 ms");
        Require(o.CloseRenamedAfter >= TimeSpan.Zero, "CloseRenamedAfter must not be negative");
        Require(o.DeletedFileGrace >= TimeSpan.Zero, "DeletedFileGrace must not be negative");
        Require(o.FingerprintBytes is >= 16 and <= 64 * 1024, "FingerprintBytes must be between 16 and 65536");
        Require(o.StatsInterval >= TimeSpan.Zero, "StatsInterval must not be negative (0 turns the stats line off)");
        Require(o.Inputs.Count > 0 || !requireInputs, "Inputs: at least one input with Paths is required");

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < o.Inputs.Count; i++)
        {
            var input = o.Inputs[i];
            var at = $"Inputs:{i}";
            Require(names.Add(input.DisplayName), $"{at}:Name '{input.DisplayName}' is used by another input");
            Require(input.Paths.Count > 0, $"{at}:Paths needs at least one path glob");
            foreach (var path in input.Paths)
                Require(Path.IsPathFullyQualified(path), $"{at}:Paths '{path}' must be an absolute path");
            foreach (var exclude in input.Exclude)
                Require(!string.IsNullOrWhiteSpace(exclude), $"{at}:Exclude entries must not be empty");
            Require(input.Topic is null || IsTopic(input.Topic), $"{at}:Topic '{input.Topic}' is not a valid topic name");
            Require(LineEncodings.TryParse(input.Encoding, out _), $"{at}:Encoding '{input.Encoding}' is not supported (utf-8 or latin1)");
            Require(input.MaxLineBytes is >= 128 and <= MaxLineBytesLimit, $"{at}:MaxLineBytes must be between 128 and {MaxLineBytesLimit}");
            Require(input.Tags.All(t => !string.IsNullOrEmpty(t)), $"{at}:Tags must not hold empty tags");
            Require(input.Fields.Keys.All(k => k.Length > 0), $"{at}:Fields names must not be empty");
        }
        return errors;
    }

    // Kafka's own rule, so a typo fails at start-up rather than as a broker error.
    private static bool IsTopic(string? name) =>
        name is { Length: > 0 and <= 249 } && name is not ("." or "..") && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
}
