namespace NginxPulse.Benchmarks.Ship;

/// <summary>Where the shipper to measure and the broker are, where the sample logs are, and a private work directory.</summary>
/// <param name="Shipper">the shipper to measure (an executable, or a .dll run under <c>dotnet</c>): another build given on the command line, else the repository's, published into <paramref name="Work"/> (<see cref="PublishShipper"/>)</param>
public sealed record BenchPaths(string RepoRoot, string Shipper, bool PublishShipper, string KafkaMockDll, string SampleLogs, string Work)
{
    /// <param name="shipper">another build of the shipper to measure (e.g. main's, or a JIT build's .dll, for a before/after); default: this repository's, published as it is deployed</param>
    public static BenchPaths Locate(string? shipper)
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "NginxPulse.sln"))) root = root.Parent;
        if (root is null) throw new InvalidOperationException("run from inside the repository (NginxPulse.sln not found above the benchmark)");
        var work = Path.Combine(Path.GetTempPath(), $"nginxpulse-ship-bench-{Environment.ProcessId}");
        var paths = new BenchPaths(
            root.FullName,
            shipper ?? Path.Combine(work, "shipper", "NginxPulse.Shipper"),
            shipper is null,
            Path.Combine(root.FullName, "infra/local/KafkaMock/bin/Release/net10.0/NginxPulse.KafkaMock.dll"),
            Path.GetFullPath(Path.Combine(root.FullName, "../shared/data/nginx")),
            work);
        foreach (var dll in paths.PublishShipper ? [paths.KafkaMockDll] : new[] { paths.Shipper, paths.KafkaMockDll })
            if (!File.Exists(dll)) throw new InvalidOperationException($"{dll} is missing: run `dotnet build NginxPulse.sln -c Release` first");
        if (!Directory.Exists(paths.SampleLogs)) throw new InvalidOperationException($"sample nginx logs not found at {paths.SampleLogs}");
        return paths;
    }
}
