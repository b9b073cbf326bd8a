using System.Collections.Concurrent;
using NginxPulse.Functions.Hosting;

namespace NginxPulse.Tests.Hosting;

/// <summary>Test double: records every tick; the runs a test chooses throw.</summary>
internal sealed class RecordingTimerFunction(string name = "Tick") : ITimerFunction
{
    private int runs;

    public string Name => name;

    public ConcurrentQueue<TimerTick> Ticks { get; } = new();

    /// <summary>Called with the 1-based run number; throw to fail the run.</summary>
    public Action<int>? OnRun { get; init; }

    public Task RunAsync(TimerTick tick, CancellationToken ct)
    {
        Ticks.Enqueue(tick);
        OnRun?.Invoke(Interlocked.Increment(ref runs));
        return Task.CompletedTask;
    }
}

internal static class TimerFunctionJson
{
    public static string For(string schedule, bool runOnStartup = false) => $$"""
        { "bindings": [ { "type": "timerTrigger", "direction": "in", "name": "timer", "schedule": "{{schedule}}", "runOnStartup": {{(runOnStartup ? "true" : "false")}} } ] }
        """;
}
