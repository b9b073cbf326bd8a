using System.Diagnostics;

namespace NginxPulse.Benchmarks.Ship;

/// <summary>The peers come from apt (kcat, rsyslog, rsyslog-kafka); installed on demand when running as root.</summary>
public static class PeerTools
{
    private const string Packages = "kcat rsyslog rsyslog-kafka librdkafka1";
    private static readonly string[] Required = ["/usr/bin/kcat", "/usr/sbin/rsyslogd", "/usr/lib/x86_64-linux-gnu/rsyslog/omkafka.so", "/usr/lib/x86_64-linux-gnu/rsyslog/imfile.so"];

    public static async Task<bool> EnsureAsync()
    {
        if (Missing().Count == 0) return true;
        if (Environment.UserName != "root")
        {
            Console.Error.WriteLine($"missing {string.Join(", ", Missing())}: install them with `sudo apt-get install -y {Packages}`");
            return false;
        }
        Console.WriteLine($"installing {Packages} with apt-get");
        if (await AptAsync($"install -y {Packages}") != 0) await AptAsync("update");
        if (Missing().Count > 0) await AptAsync($"install -y {Packages}");
        if (Missing().Count == 0) return true;
        Console.Error.WriteLine($"still missing after apt-get: {string.Join(", ", Missing())}; install {Packages} by hand");
        return false;
    }

    private static List<string> Missing() => Required.Where(p => !File.Exists(p)).ToList();

    private static async Task<int> AptAsync(string arguments)
    {
        var info = new ProcessStartInfo("apt-get", arguments) { UseShellExecute = false };
        info.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var apt = Process.Start(info)!;
        await apt.WaitForExitAsync();
        return apt.ExitCode;
    }
}
