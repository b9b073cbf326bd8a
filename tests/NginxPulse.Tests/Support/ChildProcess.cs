using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace NginxPulse.Tests.Support;

/// <summary>A built executable of the project (copied beside the tests by a project reference), run as a child process.</summary>
public sealed class ChildProcess : IDisposable
{
    private const int SIGTERM = 15;
    private readonly Process process;
    private readonly StringBuilder stderr = new();

    private ChildProcess(Process process)
    {
        this.process = process;
        process.ErrorDataReceived += (_, e) => { lock (stderr) stderr.AppendLine(e.Data); };
        process.BeginErrorReadLine();
    }

    public static string BrokerPath => Path.Combine(AppContext.BaseDirectory, "NginxPulse.KafkaMock");

    public static string FunctionAppPath => Path.Combine(AppContext.BaseDirectory, "NginxPulse.Functions");

    /// <summary>The KafkaMock broker; the developer's own settings must not change what the test asks for.</summary>
    public static ChildProcess StartBroker(params string[] args) =>
        Start(BrokerPath, args, new Dictionary<string, string?> { ["NGINXPULSE_KAFKA_TOPICS"] = null, ["NGINXPULSE_KAFKA_BROKERS"] = null });

    /// <summary>Starts <paramref name="path"/>; an environment value of null removes that variable.</summary>
    public static ChildProcess Start(string path, IEnumerable<string> args, IReadOnlyDictionary<string, string?> environment)
    {
        var info = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var (name, value) in environment)
        {
            if (value is null) info.Environment.Remove(name);
            else info.Environment[name] = value;
        }
        return new ChildProcess(Process.Start(info) ?? throw new InvalidOperationException($"could not start {path}"));
    }

    public bool HasExited => process.HasExited;

    public int ExitCode => process.ExitCode;

    public StreamReader StandardOutput => process.StandardOutput;

    public string StandardError { get { lock (stderr) return stderr.ToString(); } }

    public void Terminate()
    {
        if (kill(process.Id, SIGTERM) != 0)
            throw new InvalidOperationException($"kill({process.Id}, SIGTERM) failed with errno {Marshal.GetLastPInvokeError()}");
    }

    public Task WaitForExitAsync(TimeSpan timeout) => process.WaitForExitAsync().WaitAsync(timeout);

    public void Dispose()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        process.Dispose();
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
