using System.Data;
using System.Data.Common;
using MySql.Data.MySqlClient;

namespace NginxPulse.Functions.Storage;

/// <summary>
/// Reads the rows of every result of a command. Every reader of the storage code goes through here, because of a
/// MySql.Data 8.0.16 defect: when the server ends a result set with an error after its columns were sent (a lock wait
/// timeout or deadlock in a locking read, a temporary table the server cannot read or delete), the reader still
/// believes rows are coming, and closing it — which <c>await using</c> does before the error can reach any caller —
/// waits for them on the socket until the command timeout (minutes to an hour) while the server sits idle in Sleep.
/// Here such a connection is ended on the server (KILL CONNECTION from a sibling connection), so the reader's close
/// reads end-of-stream at once and the server's error reaches the caller (the transient-error retry, the trigger's
/// redelivery) immediately. The killed session is closed, so the caller's transaction disposes without a rollback
/// that could replace the server's error, and the pool replaces the dead connection when it is next handed out
/// (MySql.Data pings a pooled connection before reuse).
/// </summary>
public static class RowStream
{
    public static Task ReadAsync(MySqlCommand command, Action<DbDataReader> onRow, CancellationToken ct) =>
        ReadAsync(command, (_, row) => onRow(row), ct);

    /// <param name="onRow">Called for every row with the index of its result set (0, 1, ...).</param>
    public static async Task ReadAsync(MySqlCommand command, Action<int, DbDataReader> onRow, CancellationToken ct)
    {
        try
        {
            await ReadAllAsync(command, onRow, ct);
        }
        catch (Exception e) when (CancellableCommands.IsCancellation(e, ct))
        {
            throw CancellableCommands.Cancelled(e, ct);
        }
    }

    private static async Task ReadAllAsync(MySqlCommand command, Action<int, DbDataReader> onRow, CancellationToken ct)
    {
        var connection = command.Connection;
        await using var reader = await command.ExecuteReaderAsync(ct) ?? throw NoReader(ct);
        try
        {
            var resultSet = 0;
            do
            {
                while (await reader.ReadAsync(ct)) onRow(resultSet, reader);
                resultSet++;
            } while (await reader.NextResultAsync(ct));
        }
        catch (MySqlException) when (connection.State == ConnectionState.Open)
        {
            await AbandonAsync(connection);
            throw;
        }
    }

    /// <summary>The driver's answer to a command the token cancelled is a null reader (see CancellableCommands).</summary>
    private static InvalidOperationException NoReader(CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        return new InvalidOperationException("MySql.Data returned no reader for a command that was not cancelled");
    }

    /// <summary>Ends the connection's session on the server, then closes the connection without waiting for rows.</summary>
    private static async Task AbandonAsync(MySqlConnection connection)
    {
        // Clone keeps the credentials (ConnectionString drops the password once opened). Not cancellable on purpose:
        // the failed reader must never be left to wait out the command timeout.
        await using (var sibling = (MySqlConnection)connection.Clone())
        {
            await sibling.OpenAsync(CancellationToken.None);
            await using var kill = new MySqlCommand($"KILL CONNECTION {connection.ServerThread}", sibling);
            await kill.ExecuteNonQueryAsync(CancellationToken.None);
        }
        try
        {
            // Closing reads the killed socket's end (the reader's close swallows it), then tries to roll back an open
            // transaction on it, which fails and marks the connection closed: the failure expected of a killed session.
            await connection.CloseAsync();
        }
        catch (MySqlException) when (connection.State == ConnectionState.Closed)
        {
        }
    }
}
