namespace NginxPulse.Benchmarks.Ship;

/// <summary>
/// The runtime environment the shipper is deployed with (the systemd unit's Environment= lines, which the Dockerfile
/// repeats), so the benchmark measures the agent as it runs in production.
/// </summary>
public static class DeployedEnvironment
{
    public const string UnitFile = "infra/shipper/nginxpulse-shipper.service";

    public static Dictionary<string, string> Read(string repoRoot)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(Path.Combine(repoRoot, UnitFile)))
        {
            if (!line.StartsWith("Environment=", StringComparison.Ordinal)) continue;
            var pair = line["Environment=".Length..].Split('=', 2);
            if (pair.Length == 2) environment[pair[0]] = pair[1];
        }
        return environment;
    }
}
