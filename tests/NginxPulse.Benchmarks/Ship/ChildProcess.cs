using System.Diagnostics;
using System.Runtime.InteropServices;

namespace NginxPulse.Benchmarks.Ship;

/// <summary>A contender or the broker as a real child process: output drained (kept for errors), stopped with SIGTERM.</summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private const int SigTerm = 15;
    private readonly Process process;
    private readonly List<string> output = [];
    private readonly Action<string>? onLine;

    private ChildProcess(Process process, Action<string>? onLine)
    {
        this.process = process;
        this.onLine = onLine;
    }

    public int Id => process.Id;
    public bool HasExited => process.HasExited;
    public int ExitCode => process.ExitCode;

    /// <summary>Output lines so far (stdout and stderr), for error messages.</summary>
    public string Output { get { lock (output) return string.Join('\n', output.TakeLast(20)); } }

    /// <param name="onLine">sees every output line, from the first one on</param>
    public static ChildProcess Start(string fileName, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, Action<string>? onLine = null)
    {
        var info = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;
        var process = new Process { StartInfo = info };
        var child = new ChildProcess(process, onLine);
        process.OutputDataReceived += (_, e) => child.Received(e.Data);
        process.ErrorDataReceived += (_, e) => child.Received(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    private void Received(string? line)
    {
        if (line is null) return;
        lock (output) output.Add(line);
        onLine?.Invoke(line);
    }

    public async Task<int> WaitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try { await process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { throw new TimeoutException($"{process.StartInfo.FileName} did not exit within {timeout}: {Output}"); }
        return process.ExitCode;
    }

    /// <summary>SIGTERM, then SIGKILL if it does not exit within 15 s.</summary>
    public async Task StopAsync()
    {
        if (process.HasExited) return;
        _ = Kill(process.Id, SigTerm);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try { await process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { process.Kill(entireProcessTree: true); await process.WaitForExitAsync(); }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        process.Dispose();
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
