namespace NginxPulse.Benchmarks.Ship;

/// <summary>
/// The shipper as it is deployed: <c>dotnet publish</c> of the repository's project, as the Dockerfile and the systemd
/// install do it (the project publishes ReadyToRun code, which a plain build does not have).
/// </summary>
public static class PublishedShipper
{
    public static async Task PublishAsync(BenchPaths paths)
    {
        var project = Path.Combine(paths.RepoRoot, "shipper", "NginxPulse.Shipper.csproj");
        await using var publish = ChildProcess.Start("dotnet", ["publish", project, "-c", "Release", "--no-self-contained", "-o", Path.GetDirectoryName(paths.ShipperDll)!]);
        var exit = await publish.WaitAsync(TimeSpan.FromMinutes(10));
        if (exit != 0) throw new InvalidOperationException($"dotnet publish {project} failed ({exit}): {publish.Output}");
    }
}
