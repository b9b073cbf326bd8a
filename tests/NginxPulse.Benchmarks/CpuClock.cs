using System.Diagnostics;
using System.Globalization;
using MySql.Data.MySqlClient;
using NginxPulse.Functions.Storage;

namespace NginxPulse.Benchmarks;

/// <summary>CPU milliseconds spent by this process and by the MariaDB server.</summary>
internal readonly record struct CpuTime(double ClientMs, double ServerMs)
{
    public double Total => ClientMs + ServerMs;

    public static CpuTime operator -(CpuTime a, CpuTime b) => new(a.ClientMs - b.ClientMs, a.ServerMs - b.ServerMs);
    public static CpuTime operator +(CpuTime a, CpuTime b) => new(a.ClientMs + b.ClientMs, a.ServerMs + b.ServerMs);
    public static CpuTime operator *(CpuTime a, double f) => new(a.ClientMs * f, a.ServerMs * f);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Total:0.0} ({ClientMs:0.0} + {ServerMs:0.0})");
}

/// <summary>
/// Reads the CPU time of this process and of the local MariaDB server (/proc/PID/stat of the pid in @@pid_file; NaN
/// for a server on another machine). On a shared machine wall-clock rates swing with other work; the CPU each side
/// spent per row does much less.
/// </summary>
internal sealed class CpuClock
{
    // USER_HZ, the unit of /proc/PID/stat times: 100 on every Linux this runs on (sysconf(_SC_CLK_TCK)).
    private const double MsPerTick = 10.0;

    private readonly string? _serverStat;

    private CpuClock(string? serverStat) => _serverStat = serverStat;

    public static async Task<CpuClock> ForServerAsync(MySqlConnectionFactory server, CancellationToken ct)
    {
        await using var connection = await server.OpenAsync(ct);
        await using var cmd = new MySqlCommand("SELECT @@pid_file", connection);
        var pidFile = (string)(await cmd.ExecuteScalarAsync(ct))!;
        if (!File.Exists(pidFile)) return new CpuClock(null);
        var stat = $"/proc/{int.Parse((await File.ReadAllTextAsync(pidFile, ct)).Trim(), CultureInfo.InvariantCulture)}/stat";
        return new CpuClock(File.Exists(stat) ? stat : null);
    }

    public CpuTime Now() => new(Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds, ServerMs());

    private double ServerMs()
    {
        if (_serverStat is null) return double.NaN;
        // Fields 14 and 15 (utime, stime) after the parenthesised command name.
        var stat = File.ReadAllText(_serverStat);
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks * MsPerTick;
    }
}
