using MySql.Data.MySqlClient;
using NginxPulse.Functions.Storage;
using Xunit;

namespace NginxPulse.Tests.Storage;

/// <summary>
/// A result set the server ends with an error after its columns were sent must fail the read at once. MySql.Data
/// 8.0.16 would otherwise, while closing the reader, wait on the socket for rows that never come until the command
/// timeout (300 s here) with the server idle: the hangs of the reports benchmark's set-up and a stall of any ingest
/// batch whose locking read hits a lock wait timeout or deadlock.
/// </summary>
public sealed class FailedResultStreamTests : IAsyncLifetime
{
    // Far below the factory's 300-s command timeout, far above a prompt failure on a loaded 2-core machine.
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private TestDatabase _db = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync(migrate: false);
        await _db.ExecuteAsync("CREATE TABLE t (n INT NOT NULL PRIMARY KEY) ENGINE = InnoDB; INSERT INTO t VALUES (1), (2), (3)");
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task A_lock_wait_timeout_in_a_batch_locking_read_reaches_the_caller_as_a_transient_error_at_once()
    {
        await using var holder = await _db.Connections.OpenAsync(CancellationToken.None);
        await using var holding = await holder.BeginTransactionAsync();
        await using (var lockRow = new MySqlCommand("SELECT n FROM t WHERE n = 2 FOR UPDATE", holder, holding))
            await lockRow.ExecuteScalarAsync();

        var rowsRead = 0;
        var read = Task.Run(async () =>
        {
            await using var connection = await _db.Connections.OpenAsync(CancellationToken.None);
            await using var transaction = await connection.BeginTransactionAsync();
            // Row 1 is sent, then row 2 waits for the holder's lock and the statement fails after its columns went out.
            var batch = new StatementBatch(connection, transaction);
            batch.Sql("SET STATEMENT innodb_lock_wait_timeout = 1 FOR SELECT n FROM t ORDER BY n FOR UPDATE").End();
            await batch.ReadAsync(_ => rowsRead++, CancellationToken.None);
        });

        var error = await Assert.ThrowsAsync<MySqlException>(() => WithinDeadlineAsync(read));
        Assert.True(TransientRetry.IsTransient(error), $"expected the server's lock wait timeout, got {error}");
        Assert.Equal(1, rowsRead);
        await AssertPoolServesWorkingConnectionsAsync();
    }

    [Fact]
    public async Task A_server_error_after_streamed_rows_of_a_snapshot_read_reaches_the_caller_at_once()
    {
        var rowsRead = 0;
        var read = Task.Run(async () =>
        {
            await using var snapshot = await ConsistentSnapshot.BeginAsync(_db.Connections, (int)MySqlConnectionFactory.DefaultCommandTimeoutSeconds, CancellationToken.None);
            // Row 50,000's subquery returns two rows: the server fails the statement after streaming the rows before it.
            await snapshot.ReadAsync("SELECT seq, (SELECT 1 UNION SELECT 2 FROM DUAL WHERE seq = 50000) FROM seq_1_to_100000", [],
                _ => rowsRead++, CancellationToken.None);
        });

        var error = await Assert.ThrowsAsync<MySqlException>(() => WithinDeadlineAsync(read));
        Assert.Contains("Subquery returns more than 1 row", error.ToString());
        Assert.True(rowsRead > 0, "the error should come after rows were streamed");
        await AssertPoolServesWorkingConnectionsAsync();
    }

    private static async Task WithinDeadlineAsync(Task read)
    {
        try
        {
            await read.WaitAsync(Deadline);
        }
        catch (TimeoutException e) when (!read.IsCompleted)
        {
            throw new Xunit.Sdk.XunitException($"The failed read still waits after {Deadline.TotalSeconds:0} s (hung on the socket): {e.Message}");
        }
    }

    /// <summary>The abandoned connection is not handed out again as if it were healthy.</summary>
    private async Task AssertPoolServesWorkingConnectionsAsync()
    {
        for (var i = 0; i < 3; i++)
            Assert.Equal(3, await _db.ScalarAsync("SELECT COUNT(*) FROM t"));
    }
}
