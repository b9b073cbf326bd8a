using MySql.Data.MySqlClient;

namespace NginxPulse.Functions.Storage;

/// <summary>
/// Runs commands so that a cancelled one ends in an <see cref="OperationCanceledException"/>. MySql.Data 8.0.16 cancels
/// a running command by KILL QUERY from a second connection, and then hands back a null reader: ExecuteReaderAsync
/// returns null, ExecuteNonQueryAsync and ExecuteScalarAsync throw <see cref="NullReferenceException"/>. Without this a
/// shutdown or a caller hanging up mid-report was logged as a failure of the function. Every command of the function
/// app runs through here or <see cref="RowStream"/>.
/// </summary>
public static class CancellableCommands
{
    public static async Task<int> RunAsync(this MySqlCommand command, CancellationToken ct)
    {
        try
        {
            return await command.ExecuteNonQueryAsync(ct);
        }
        catch (Exception e) when (IsCancellation(e, ct))
        {
            throw Cancelled(e, ct);
        }
    }

    public static async Task<object?> ScalarAsync(this MySqlCommand command, CancellationToken ct)
    {
        try
        {
            return await command.ExecuteScalarAsync(ct);
        }
        catch (Exception e) when (IsCancellation(e, ct))
        {
            throw Cancelled(e, ct);
        }
    }

    /// <summary>What the driver throws for a command the token cancelled: its null reader, or the server's "interrupted".</summary>
    internal static bool IsCancellation(Exception e, CancellationToken ct) =>
        ct.IsCancellationRequested && e is NullReferenceException or MySqlException { Number: (int)MySqlErrorCode.QueryInterrupted };

    internal static OperationCanceledException Cancelled(Exception e, CancellationToken ct) =>
        new("The command was cancelled (MySql.Data ended it with a null reader)", e, ct);
}
