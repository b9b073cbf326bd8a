using System.Diagnostics;
using Xunit;

namespace NginxPulse.Shipper.Tests.Support;

/// <summary>
/// The agent as it is deployed: the Native AOT executable <c>dotnet publish -f net9.0 -r linux-x64</c> makes of the
/// repository's project, published once for the tests that share this fixture.
/// </summary>
public sealed class NativeAgentBuild : IAsyncLifetime
{
    private static readonly TimeSpan PublishDeadline = TimeSpan.FromMinutes(5);
    private readonly string output = Path.Combine(Path.GetTempPath(), "np-shipper-native-" + Guid.NewGuid().ToString("N")[..10]);

    public string ExecutablePath => Path.Combine(output, "NginxPulse.Shipper");

    public async Task InitializeAsync()
    {
        var project = Path.Combine(RepositoryRoot(), "shipper", "NginxPulse.Shipper.csproj");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "publish", project, "-c", "Release", "-f", "net9.0", "-r", "linux-x64", "-o", output, "-nologo" })
            info.ArgumentList.Add(arg);
        using var publish = Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet publish");
        using var deadline = new CancellationTokenSource(PublishDeadline);
        var stdout = publish.StandardOutput.ReadToEndAsync(deadline.Token);
        var stderr = publish.StandardError.ReadToEndAsync(deadline.Token);
        try
        {
            await publish.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            publish.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet publish of {project} took longer than {PublishDeadline}");
        }
        if (publish.ExitCode != 0 || !File.Exists(ExecutablePath))
            throw new InvalidOperationException($"dotnet publish of {project} failed ({publish.ExitCode}):\n{await stdout}\n{await stderr}");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NginxPulse.sln"))) return dir.FullName;
        throw new InvalidOperationException($"NginxPulse.sln not found above {AppContext.BaseDirectory}");
    }

    public Task DisposeAsync()
    {
        try { Directory.Delete(output, recursive: true); }
        catch (IOException) { }
        return Task.CompletedTask;
    }
}
