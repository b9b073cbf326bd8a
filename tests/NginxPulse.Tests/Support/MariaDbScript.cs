using System.Diagnostics;

namespace NginxPulse.Tests.Support;

/// <summary>Runs infra/local/mariadb, the one place that knows how to start and stop a private MariaDB.</summary>
public static class MariaDbScript
{
    public static readonly string RepoRoot = FindRepoRoot();

    public static string ScriptPath => Path.Combine(RepoRoot, "infra", "local", "mariadb");

    /// <summary>Starts (or restarts) the instance in <paramref name="dir"/>; returns its connection string.</summary>
    public static async Task<string> StartAsync(string dir, int port, CancellationToken ct = default)
    {
        var output = await RunAsync(ct, "start", dir, port.ToString());
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
    }

    public static Task StopAsync(string dir, CancellationToken ct = default) => RunAsync(ct, "stop", dir);

    public static Task KillAsync(string dir, CancellationToken ct = default) => RunAsync(ct, "kill", dir);

    /// <summary>Synchronous stop for process-exit handlers, where nothing can be awaited.</summary>
    public static void Stop(string dir)
    {
        using var p = Process.Start(new ProcessStartInfo(ScriptPath, ["stop", dir]) { UseShellExecute = false })!;
        p.WaitForExit(TimeSpan.FromSeconds(60));
    }

    private static Task<string> RunAsync(CancellationToken ct, params string[] args) => RunScriptAsync(ScriptPath, args, ct);

    /// <summary>Runs a script of the repository to its end; its stdout, or an exception carrying its stderr.</summary>
    public static async Task<string> RunScriptAsync(string path, IReadOnlyList<string> args, CancellationToken ct = default)
    {
        var info = new ProcessStartInfo(path, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var p = Process.Start(info) ?? throw new InvalidOperationException($"Could not run {path}");
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{path} {string.Join(' ', args)} exited with {p.ExitCode}: {await stdout}\n{await stderr}");
        return await stdout;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NginxPulse.sln"))) return dir.FullName;
        throw new InvalidOperationException($"NginxPulse.sln not found above {AppContext.BaseDirectory}");
    }
}
