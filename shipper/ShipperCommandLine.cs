namespace NginxPulse.Shipper;

/// <summary>The agent's own arguments; everything else is configuration (--Section:Key=value).</summary>
public sealed record ShipperCommandLine(string? ConfigPath, IReadOnlyList<string>? BackfillFiles, bool Help, IReadOnlyList<string> ConfigurationArgs)
{
    public const string ConfigVariable = "NGINXPULSE_SHIPPER_CONFIG";
    public const string DefaultConfigPath = "/etc/nginxpulse/shipper.json";

    public const string Usage = """
        usage: NginxPulse.Shipper [--config PATH] [--Section:Key=VALUE ...] [--exit-at-eof FILE...]
          --config PATH            JSON configuration (default: $NGINXPULSE_SHIPPER_CONFIG, else /etc/nginxpulse/shipper.json
                                   if it exists); changes to it are applied while running
          --Section:Key=VALUE      any setting, e.g. --Kafka:BootstrapServers=kafka1:9092 --Inputs:0:Paths:0=/var/log/nginx/access.log
                                   (environment: NGINXPULSE_SHIPPER_Section__Key=VALUE; command line wins over environment over file)
          --exit-at-eof FILE...    backfill: ship these files from the registry offset (else their start), exit 0 once
                                   every line is acknowledged; progress on stderr
          --help                   this text
        """;

    public static ShipperCommandLine Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        string? config = null;
        List<string>? backfill = null;
        var help = false;
        var rest = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "--help" or "-h") help = true;
            else if (arg.StartsWith("--config=", StringComparison.Ordinal)) config = arg["--config=".Length..];
            else if (arg == "--config")
                config = ++i < args.Count ? args[i] : throw new ArgumentException("--config needs a path");
            else if (arg == "--exit-at-eof")
            {
                backfill ??= [];
                while (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal)) backfill.Add(args[++i]);
                if (backfill.Count == 0) throw new ArgumentException("--exit-at-eof needs at least one file");
            }
            else rest.Add(arg);
        }
        config ??= environment(ConfigVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment
            : File.Exists(DefaultConfigPath) ? DefaultConfigPath : null;
        return new ShipperCommandLine(config is null ? null : Path.GetFullPath(config), backfill, help, rest);
    }
}
