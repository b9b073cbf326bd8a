using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace NginxPulse.Tests.Infra;

/// <summary>The built KafkaMock executable (copied beside the tests by the project reference), run as a child process.</summary>
public sealed class BrokerProcess : IDisposable
{
    private const int SIGTERM = 15;
    private readonly Process process;
    private readonly StringBuilder stderr = new();

    private BrokerProcess(Process process)
    {
        this.process = process;
        process.ErrorDataReceived += (_, e) => { lock (stderr) stderr.AppendLine(e.Data); };
        process.BeginErrorReadLine();
    }

    public static string ExecutablePath => Path.Combine(AppContext.BaseDirectory, "NginxPulse.KafkaMock");

    public static BrokerProcess Start(params string[] args)
    {
        var info = new ProcessStartInfo(ExecutablePath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        // The developer's own settings must not change what the test asks for.
        info.Environment.Remove("NGINXPULSE_KAFKA_TOPICS");
        info.Environment.Remove("NGINXPULSE_KAFKA_BROKERS");
        return new BrokerProcess(Process.Start(info) ?? throw new InvalidOperationException($"could not start {ExecutablePath}"));
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
