namespace NginxPulse.Functions.Hosting;

/// <summary>
/// A timerTrigger function: one entry method per tick, whichever transport fired it (the Functions host's timer,
/// or the standalone NCRONTAB scheduler, which runs at most one tick per function at a time across replicas).
/// </summary>
/// <remarks>
/// Failure contract: an exception that escapes <see cref="RunAsync"/> is logged as a failed run; the next tick
/// comes on schedule as usual (timers have no retries by default). So a run must be safe to repeat and should
/// catch up by itself (e.g. work from stored watermarks, not from "the last minute").
/// An <see cref="OperationCanceledException"/> while <c>ct</c> is cancelled is a shutdown, not a failure.
/// </remarks>
public interface ITimerFunction
{
    /// <summary>The function name: the folder that holds its function.json.</summary>
    string Name { get; }

    Task RunAsync(TimerTick tick, CancellationToken ct);
}

/// <summary>One firing of a timer.</summary>
/// <param name="FiredAtUtc">When the transport started this run.</param>
/// <param name="IsPastDue">The run starts later than scheduled (a previous run overran, or the host was down).</param>
/// <param name="LastScheduledUtc">The previous scheduled occurrence, when known.</param>
/// <param name="NextScheduledUtc">The next scheduled occurrence, when known.</param>
public sealed record TimerTick(DateTimeOffset FiredAtUtc, bool IsPastDue, DateTimeOffset? LastScheduledUtc, DateTimeOffset? NextScheduledUtc);
