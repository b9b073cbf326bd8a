namespace NginxPulse.Functions.Hosting.Timers;

/// <summary>
/// Lets one replica, once, run each scheduled occurrence of a timer function (the job of the Functions host's
/// blob-lease singleton, done standalone with shared storage).
/// </summary>
public interface ITimerCoordinator
{
    /// <summary>
    /// Claims the occurrence scheduled at <paramref name="scheduledUtc"/>: null when another replica is running the
    /// function or has already run that occurrence. Dispose the claim when the run is over.
    /// </summary>
    Task<ITimerClaim?> TryClaimAsync(string function, DateTimeOffset scheduledUtc, CancellationToken ct);
}

public interface ITimerClaim : IAsyncDisposable
{
    /// <summary>The occurrence the previous run was for, when one is recorded.</summary>
    DateTimeOffset? PreviousScheduledUtc { get; }

    /// <summary>Records that the occurrence ran (whatever the outcome: timers are not retried).</summary>
    Task CompleteAsync(bool succeeded, string? error, CancellationToken ct);
}
