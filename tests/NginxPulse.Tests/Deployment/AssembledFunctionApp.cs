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
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await MariaDbScript.RunScriptAsync(script, [output], timeout.Token);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(output, recursive: true); }
            catch (IOException) { }
        };
        return output;
    }
}
