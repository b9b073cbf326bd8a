using System.Text.Json;
using NginxPulse.Tests.Support;
using Xunit;

namespace NginxPulse.Tests.Reports;

/// <summary>
/// The Node scenarios in tests/browser (playwright-core driving /usr/bin/chromium), installed with <c>npm ci</c> when
/// node_modules is missing, run as child processes that print one JSON object.
/// </summary>
public sealed class BrowserScenario : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    public string Directory { get; } = FindDirectory();

    /// <summary>Screenshots go here, under the test output directory.</summary>
    public string OutputDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "browser-output");

    public async Task InitializeAsync()
    {
        if (System.IO.Directory.Exists(Path.Combine(Directory, "node_modules", "playwright-core"))) return;
        var (exitCode, output, error) = await RunAsync("npm", ["ci", "--no-audit", "--no-fund", "--prefix", Directory]);
        Assert.True(exitCode == 0, $"npm ci in {Directory} failed ({exitCode}): {output}\n{error}");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Runs <c>node SCRIPT ARGS...</c>; the scenario's JSON report, and its exit code.</summary>
    public async Task<(int ExitCode, JsonElement Result, string Raw)> RunScriptAsync(string script, params string[] args)
    {
        var (exitCode, output, error) = await RunAsync("node", [Path.Combine(Directory, script), .. args]);
        var line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
        Assert.True(line is not null && line.StartsWith('{'), $"{script} printed no JSON (exit {exitCode}): {output}\n{error}");
        return (exitCode, JsonDocument.Parse(line).RootElement.Clone(), line + "\n" + error);
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(string program, IEnumerable<string> args)
    {
        using var process = ChildProcess.Start(program, args, new Dictionary<string, string?>());
        var output = await process.StandardOutput.ReadToEndAsync().WaitAsync(Timeout);
        await process.WaitForExitAsync(Timeout);
        return (process.ExitCode, output, process.StandardError);
    }

    private static string FindDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "browser");
            if (File.Exists(Path.Combine(candidate, "package.json"))) return candidate;
        }
        throw new InvalidOperationException($"tests/browser/package.json not found above {AppContext.BaseDirectory}");
    }
}
