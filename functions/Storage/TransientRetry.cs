using Microsoft.Extensions.Logging;
using MySql.Data.MySqlClient;

namespace NginxPulse.Functions.Storage;

/// <summary>
/// Re-runs a whole transaction after a deadlock (1213) or lock wait timeout (1205): InnoDB rolled it back (or its
/// statement), and running it again is correct. Anything else (server gone, bad SQL) propagates so the trigger
/// redelivers the batch later.
/// </summary>
internal sealed class TransientRetry
{
    private const int Deadlock = 1213;
    private const int LockWaitTimeout = 1205;

    private readonly int _maxRetries;
    private readonly TimeSpan _baseDelay;
    private readonly ILogger _logger;

    public TransientRetry(int maxRetries, TimeSpan baseDelay, ILogger logger)
    {
        _maxRetries = maxRetries;
        _baseDelay = baseDelay;
        _logger = logger;
    }

    public static bool IsTransient(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
            if (x is MySqlException { Number: Deadlock or LockWaitTimeout }) return true;
        return false;
    }

    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> transaction, string operation, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await transaction(ct);
            }
            catch (Exception e) when (attempt <= _maxRetries && IsTransient(e))
            {
                // Exponential backoff with full jitter: colliding transactions retry at different moments.
                var delay = TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * _baseDelay.TotalMilliseconds * (1 << (attempt - 1)));
                _logger.LogWarning("{Operation} hit {Error}; retry {Attempt} of {MaxRetries} in {DelayMs:0} ms",
                    operation, e.Message, attempt, _maxRetries, delay.TotalMilliseconds);
                await Task.Delay(delay, ct);
            }
        }
    }
}
