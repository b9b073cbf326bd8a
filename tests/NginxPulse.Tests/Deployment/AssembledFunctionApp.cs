using System.Diagnostics;
using NginxPulse.Tests.Support;

namespace NginxPulse.Tests.Deployment;

/// <summary>
/// The script root infra/functions/assemble produces: NGINXPULSE_FUNCTIONS_APP when make test assembled it already,
/// otherwise assembled once per test run into a temporary folder.
/// </summary>
public static class AssembledFunctionApp
{
    public const string Setting = "NGINXPULSE_FUNCTIONS_APP";

    private static readonly Lazy<Task<string>> Folder = new(AssembleAsync);

    public static Task<string> PathAsync() => Folder.Value;

    private static async Task<string> AssembleAsync()
    {
        if (Environment.GetEnvironmentVariable(Setting) is { Length: > 0 } ready && File.Exists(Path.Combine(ready, "host.json")))
            return ready;
        var output = Path.Combine(Path.GetTempPath(), "nginxpulse-functions-app-" + Environment.ProcessId);
        var script = Path.Combine(MariaDbScript.RepoRoot, "infra", "functions", "assemble");
        var info = new ProcessStartInfo(script, [output]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var assemble = Process.Start(info) ?? throw new InvalidOperationException($"could not run {script}");
        var stdout = assemble.StandardOutput.ReadToEndAsync();
        var stderr = assemble.StandardError.ReadToEndAsync();
        await assemble.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(10));
        if (assemble.ExitCode != 0)
            throw new InvalidOperationException($"{script} exited with {assemble.ExitCode}:\n{await stdout}\n{await stderr}");
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(output, recursive: true); }
            catch (IOException) { }
        };
        return output;
    }
}
