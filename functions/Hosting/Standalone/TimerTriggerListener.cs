using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NginxPulse.Functions.Hosting.Manifest;
using NginxPulse.Functions.Hosting.Timers;

namespace NginxPulse.Functions.Hosting.Standalone;

/// <summary>
/// One hosted service per timerTrigger function: fires it on its schedule, one run at a time, each occurrence on
/// one replica only when an <see cref="ITimerCoordinator"/> is registered. A run that overruns its next
/// occurrences is followed at once by one past-due run, not by a burst of catch-up runs.
/// </summary>
public sealed partial class TimerTriggerListener(
    FunctionDefinition function,
    FunctionRegistration registration,
    TimerSchedule schedule,
    TimerFunctionInvoker invoker,
    TimeProvider clock,
    IServiceProvider services,
    ILoggerFactory loggers) : BackgroundService
{
    // A run this late is past due; below it is ordinary timer jitter.
    private static readonly TimeSpan PastDueTolerance = TimeSpan.FromSeconds(1);

    private readonly ILogger logger = loggers.CreateLogger($"{typeof(TimerTriggerListener).FullName}.{function.Name}");
    private readonly ITimerCoordinator? coordinator = services.GetService<ITimerCoordinator>();

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var trigger = (TimerTriggerBinding)function.Trigger;
        LogStarted(function.Name, schedule.ToString() ?? trigger.Schedule, coordinator is not null);
        DateTimeOffset? last = null;
        if (trigger.RunOnStartup)
        {
            var now = clock.GetUtcNow();
            await RunOnceAsync(now, now, last, schedule.Next(now), ct);
        }
        var scheduled = schedule.Next(clock.GetUtcNow());
        while (scheduled is { } due && !ct.IsCancellationRequested)
        {
            // Timers may wake a little early by the wall clock; never run before the occurrence.
            for (var wait = due - clock.GetUtcNow(); wait > TimeSpan.Zero; wait = due - clock.GetUtcNow())
                await Task.Delay(wait, clock, ct);
            var next = schedule.Next(due);
            await RunOnceAsync(due, clock.GetUtcNow(), last, next, ct);
            last = due;
            scheduled = LatestDueOrNext(next, clock.GetUtcNow());
        }
    }

    // After an overrun: the last occurrence already due (run immediately, past due), else the next one.
    private DateTimeOffset? LatestDueOrNext(DateTimeOffset? next, DateTimeOffset now)
    {
        if (next is not { } candidate || candidate > now) return next;
        while (schedule.Next(candidate) is { } following && following <= now) candidate = following;
        return candidate;
    }

    private async Task RunOnceAsync(DateTimeOffset scheduled, DateTimeOffset firedAt, DateTimeOffset? last, DateTimeOffset? next, CancellationToken ct)
    {
        ITimerClaim? claim = null;
        if (coordinator is not null)
        {
            try
            {
                claim = await coordinator.TryClaimAsync(function.Name, scheduled, ct);
            }
            catch (Exception ex) when (!(ex is OperationCanceledException && ct.IsCancellationRequested))
            {
                // The shared storage is unreachable: skip this occurrence rather than risk running it on every replica.
                LogCoordinationFailed(ex, function.Name, scheduled);
                return;
            }
            if (claim is null)
            {
                LogClaimedElsewhere(function.Name, scheduled);
                return;
            }
            last = claim.PreviousScheduledUtc ?? last;
        }
        await using (claim)
        {
            string? error = null;
            try
            {
                await invoker.InvokeAsync(registration, new TimerTick(firedAt, firedAt - scheduled > PastDueTolerance, last, next), ct);
            }
            catch (Exception ex) when (!(ex is OperationCanceledException && ct.IsCancellationRequested))
            {
                error = $"{ex.GetType().Name}: {ex.Message}";
                LogRunFailed(ex, function.Name, scheduled);
            }
            if (claim is null) return;
            try
            {
                await claim.CompleteAsync(error is null, error, ct);
            }
            catch (Exception ex) when (!(ex is OperationCanceledException && ct.IsCancellationRequested))
            {
                LogCompletionNotRecorded(ex, function.Name, scheduled);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Timer function {Function} scheduled {Schedule} (one replica per occurrence: {Coordinated})")]
    private partial void LogStarted(string function, string schedule, bool coordinated);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Timer function {Function}: the occurrence at {Scheduled:o} runs (or ran) on another replica")]
    private partial void LogClaimedElsewhere(string function, DateTimeOffset scheduled);

    [LoggerMessage(Level = LogLevel.Error, Message = "Timer function {Function} failed for the occurrence at {Scheduled:o}; the next occurrence runs as scheduled")]
    private partial void LogRunFailed(Exception ex, string function, DateTimeOffset scheduled);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Timer function {Function}: the run for {Scheduled:o} is over but could not be recorded; another replica may run that occurrence again")]
    private partial void LogCompletionNotRecorded(Exception ex, string function, DateTimeOffset scheduled);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Timer function {Function}: cannot coordinate the occurrence at {Scheduled:o} with other replicas; skipped")]
    private partial void LogCoordinationFailed(Exception ex, string function, DateTimeOffset scheduled);
}
