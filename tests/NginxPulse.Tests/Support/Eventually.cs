using System.Diagnostics;

namespace NginxPulse.Tests.Support;

/// <summary>
/// Waits for a condition with a deadline instead of sleeping a fixed time and hoping: fast when the system is
/// fast, and a clear failure naming what never happened when it is not.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    public static Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, CancellationToken cancellationToken = default) =>
        TrueAsync(condition, timeout, () => what, cancellationToken);

    /// <summary>The description is built only on time-out, so it can carry state gathered by then (e.g. a process log).</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> what, CancellationToken cancellationToken = default)
    {
        var elapsed = Stopwatch.StartNew();
        while (!await condition())
        {
            if (elapsed.Elapsed >= timeout)
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.###} s waiting for {what()}");
            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    public static Task TrueAsync(Func<bool> condition, TimeSpan timeout, string what, CancellationToken cancellationToken = default) =>
        TrueAsync(() => Task.FromResult(condition()), timeout, what, cancellationToken);
}
