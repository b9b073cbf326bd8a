using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace NginxPulse.Functions.Hosting;

/// <summary>Runs one tick through a registered timer function in its own DI scope; shared by both transports.</summary>
public sealed partial class TimerFunctionInvoker(IServiceScopeFactory scopes, ILogger<TimerFunctionInvoker> logger)
{
    /// <summary>Returns the elapsed time; exceptions from the function propagate unchanged.</summary>
    public async Task<TimeSpan> InvokeAsync(FunctionRegistration function, TimerTick tick, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        await using var scope = scopes.CreateAsyncScope();
        var instance = (ITimerFunction)scope.ServiceProvider.GetRequiredService(function.ImplementationType);
        await instance.RunAsync(tick, ct);
        var elapsed = Stopwatch.GetElapsedTime(started);
        LogRunDone(function.Name, tick.IsPastDue, (long)elapsed.TotalMilliseconds);
        return elapsed;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Timer function {Function} ran (past due: {IsPastDue}) in {ElapsedMs} ms")]
    private partial void LogRunDone(string function, bool isPastDue, long elapsedMs);
}
