using System.Globalization;
using System.Runtime.InteropServices;

namespace NginxPulse.Benchmarks.Ship;

/// <summary>
/// CPU seconds (user + system) of a contender. A contender that exits is measured by the kernel's account of reaped
/// children (getrusage RUSAGE_CHILDREN, which the runtime fills by reaping it; the broker, the only other child, is
/// reaped only after the round); one that keeps running (rsyslog) by its /proc/PID/stat at the moment it is done.
/// </summary>
public static class ProcessCpu
{
    // USER_HZ, the unit of /proc/PID/stat times: 100 on every Linux this runs on.
    private const double SecondsPerTick = 0.01;
    private const int RusageChildren = -1;

    public static double ReapedChildrenSeconds()
    {
        if (GetRusage(RusageChildren, out var usage) != 0) throw new InvalidOperationException($"getrusage failed: errno {Marshal.GetLastPInvokeError()}");
        return usage.UserSeconds + usage.UserMicroseconds / 1e6 + usage.SystemSeconds + usage.SystemMicroseconds / 1e6;
    }

    public static double RunningSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // Fields 14 and 15 (utime, stime) after the parenthesised command name.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * SecondsPerTick;
    }

    // struct rusage on x86-64 Linux: two timevals, then 14 longs.
    [StructLayout(LayoutKind.Sequential)]
    private struct Rusage
    {
        public long UserSeconds, UserMicroseconds, SystemSeconds, SystemMicroseconds;
        public long MaxRss, IxRss, IdRss, IsRss, MinFlt, MajFlt, NSwap, InBlock, OuBlock, MsgSnd, MsgRcv, NSignals, NVcsw, NIvcsw;
    }

    [DllImport("libc", EntryPoint = "getrusage", SetLastError = true)]
    private static extern int GetRusage(int who, out Rusage usage);
}
