using MySql.Data.MySqlClient;
using NginxPulse.Functions.Hosting.Timers;

namespace NginxPulse.Functions.Storage;

/// <summary>
/// Timer singletons through MySQL, for standalone replicas: GET_LOCK per function (a replica that dies releases it
/// with its connection) plus the <c>timer_runs</c> row, so an occurrence that one replica finished quickly is not
/// run again by another whose clock is a little behind.
/// </summary>
public sealed class MySqlTimerCoordinator(MySqlConnectionFactory connections, TimeProvider clock) : ITimerCoordinator
{
    private static readonly string Replica = $"{Environment.MachineName}/{Environment.ProcessId}";

    public async Task<ITimerClaim?> TryClaimAsync(string function, DateTimeOffset scheduledUtc, CancellationToken ct)
    {
        var connection = await connections.OpenAsync(ct);
        MySqlNamedLock? held = null;
        var handedOver = false;
        try
        {
            held = await MySqlNamedLock.TryAcquireAsync(connection, "timer." + function, TimeSpan.Zero, ct);
            if (held is null) return null;
            await using var read = new MySqlCommand("SELECT last_scheduled_utc FROM timer_runs WHERE function_name = @f", connection);
            read.Parameters.AddWithValue("@f", function);
            var previous = await read.ScalarAsync(ct) is DateTime stored
                ? new DateTimeOffset(DateTime.SpecifyKind(stored, DateTimeKind.Utc))
                : (DateTimeOffset?)null;
            if (previous >= Truncate(scheduledUtc)) return null;
            handedOver = true;
            return new Claim(connection, held, function, scheduledUtc, clock.GetUtcNow(), previous, clock);
        }
        finally
        {
            if (!handedOver)
            {
                if (held is not null) await held.DisposeAsync();
                await connection.DisposeAsync();
            }
        }
    }

    // DATETIME(3) keeps milliseconds; compare at the precision that was stored.
    private static DateTimeOffset Truncate(DateTimeOffset t) => new(t.UtcTicks - t.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);

    private sealed class Claim(
        MySqlConnection connection, MySqlNamedLock held, string function, DateTimeOffset scheduled, DateTimeOffset started,
        DateTimeOffset? previous, TimeProvider clock) : ITimerClaim
    {
        public DateTimeOffset? PreviousScheduledUtc => previous;

        public async Task CompleteAsync(bool succeeded, string? error, CancellationToken ct)
        {
            await using var write = new MySqlCommand(
                """
                INSERT INTO timer_runs (function_name, last_scheduled_utc, last_started_utc, last_completed_utc, succeeded, error, replica)
                VALUES (@f, @s, @start, @done, @ok, @error, @replica)
                ON DUPLICATE KEY UPDATE last_scheduled_utc = VALUES(last_scheduled_utc), last_started_utc = VALUES(last_started_utc),
                  last_completed_utc = VALUES(last_completed_utc), succeeded = VALUES(succeeded), error = VALUES(error), replica = VALUES(replica)
                """, connection);
            write.Parameters.AddWithValue("@f", function);
            write.Parameters.AddWithValue("@s", scheduled.UtcDateTime);
            write.Parameters.AddWithValue("@start", started.UtcDateTime);
            write.Parameters.AddWithValue("@done", clock.GetUtcNow().UtcDateTime);
            write.Parameters.AddWithValue("@ok", succeeded);
            write.Parameters.AddWithValue("@error", error is { Length: > 2000 } ? error[..2000] : error);
            write.Parameters.AddWithValue("@replica", Replica);
            await write.RunAsync(ct);
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                await held.DisposeAsync();
            }
            finally
            {
                await connection.DisposeAsync();
            }
        }
    }
}
