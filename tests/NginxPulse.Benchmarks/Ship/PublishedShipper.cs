namespace NginxPulse.Benchmarks.Ship;

/// <summary>
/// The shipper as it is deployed: the Native AOT executable <c>dotnet publish -f net9.0 -r linux-x64</c> makes of the
/// repository's project, as the Dockerfile and the systemd install do it.
/// </summary>
public static class PublishedShipper
{
    private const string RuntimeIdentifier = "linux-x64";

    public static async Task PublishAsync(BenchPaths paths)
    {
        var project = Path.Combine(paths.RepoRoot, "shipper", "NginxPulse.Shipper.csproj");
        await using var publish = ChildProcess.Start("dotnet",
            ["publish", project, "-c", "Release", "-f", "net9.0", "-r", RuntimeIdentifier, "-o", Path.GetDirectoryName(paths.Shipper)!]);
        var exit = await publish.WaitAsync(TimeSpan.FromMinutes(10));
        if (exit != 0) throw new InvalidOperationException($"dotnet publish {project} failed ({exit}): {publish.Output}");
    }

    /// <summary>Starts <paramref name="shipper"/>: an executable as it is, a framework-dependent build's .dll under <c>dotnet</c>.</summary>
    public static ChildProcess Start(string shipper, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment) =>
        shipper.EndsWith(".dll", StringComparison.Ordinal)
            ? ChildProcess.Start("dotnet", [shipper, .. args], environment)
            : ChildProcess.Start(shipper, args, environment);
}
