namespace NginxPulse.Benchmarks.Ship;

/// <summary>Where the built shipper and broker are, where the sample logs are, and a private work directory.</summary>
public sealed record BenchPaths(string RepoRoot, string ShipperDll, string KafkaMockDll, string SampleLogs, string Work)
{
    /// <param name="shipperDll">another build of the shipper to measure (e.g. main's, for a before/after); default: this repository's Release build</param>
    public static BenchPaths Locate(string? shipperDll)
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "NginxPulse.sln"))) root = root.Parent;
        if (root is null) throw new InvalidOperationException("run from inside the repository (NginxPulse.sln not found above the benchmark)");
        var paths = new BenchPaths(
            root.FullName,
            shipperDll ?? Path.Combine(root.FullName, "shipper/bin/Release/net10.0/NginxPulse.Shipper.dll"),
            Path.Combine(root.FullName, "infra/local/KafkaMock/bin/Release/net10.0/NginxPulse.KafkaMock.dll"),
            Path.GetFullPath(Path.Combine(root.FullName, "../shared/data/nginx")),
            Path.Combine(Path.GetTempPath(), $"nginxpulse-ship-bench-{Environment.ProcessId}"));
        foreach (var dll in new[] { paths.ShipperDll, paths.KafkaMockDll })
            if (!File.Exists(dll)) throw new InvalidOperationException($"{dll} is missing: run `dotnet build NginxPulse.sln -c Release` first");
        if (!Directory.Exists(paths.SampleLogs)) throw new InvalidOperationException($"sample nginx logs not found at {paths.SampleLogs}");
        return paths;
    }
}
