using System.Diagnostics;
using MySql.Data.MySqlClient;
using NginxPulse.Functions.Storage;
using NginxPulse.Tests.Support;
using Xunit;

namespace NginxPulse.Tests.Storage;

/// <summary>Kills a PRIVATE MariaDB (never the shared one) in the middle of a batch transaction.</summary>
public sealed class CrashRecoveryTests : IAsyncLifetime
{
    private const string Group = "nginxpulse-ingest";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "nginxpulse-crash-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly int _port = LoopbackPort.Free();
    private string _server = "";

    public async Task InitializeAsync() => _server = await MariaDbScript.StartAsync(_dir, _port);

    public async Task DisposeAsync()
    {
        await MariaDbScript.StopAsync(_dir);
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task A_batch_interrupted_by_a_server_crash_is_stored_exactly_once_when_retried()
    {
        var db = await TestDatabase.CreateOnAsync(_server);
        var store = db.NewStore();
        var builder = new AccessRecordBuilder(new DateTime(2026, 11, 21, 14, 0, 0, DateTimeKind.Utc), minutes: 10);
        var committed = AccessRecordBuilder.Items(builder.Build(0, 1000), firstOffset: 0);
        await store.StoreAsync(Group, committed, CancellationToken.None);
        // It repeats 500 committed lines, so the store inserts every raw row and then recomputes the rollups.
        var large = AccessRecordBuilder.Items(builder.Build(500, 40_000), firstOffset: 1000);

        // Another session holds rollup rows of a touched minute: the batch transaction stops there, after its raw
        // rows, which makes "in the middle" a deterministic point instead of a race with a fast LOAD DATA.
        var blocker = await db.Connections.OpenAsync(CancellationToken.None);
        Task storing;
        try
        {
            await using (var hold = new MySqlCommand("START TRANSACTION; SELECT COUNT(*) FROM rollup_minute WHERE minute_utc = '2026-11-21 14:00:00' FOR UPDATE", blocker))
                Assert.True(Convert.ToInt64(await hold.ExecuteScalarAsync()) > 0);
            storing = Task.Run(() => store.StoreAsync(Group, large, CancellationToken.None));
            await WaitForBlockedTransactionAsync(db, rowsModified: 39_500, storing);
            await MariaDbScript.KillAsync(_dir);
        }
        finally
        {
            // Always disposed here: a connection left to its finalizer rolls back on a dead socket, and MySql.Data's
            // finalizer then throws, which takes the whole test process down.
            try { await blocker.DisposeAsync(); }
            catch (MySqlException) { /* its session died with the server: rolling back on close cannot reach it */ }
        }

        var crash = await Assert.ThrowsAnyAsync<Exception>(() => storing);
        Assert.False(TransientRetry.IsTransient(crash));

        await MariaDbScript.StartAsync(_dir, _port);
        var outcome = await store.StoreAsync(Group, large, CancellationToken.None);

        Assert.Equal(new StoreOutcome(0, 39_500, 500, 0, true), outcome);
        Assert.Equal(40_500, await db.ScalarAsync("SELECT COUNT(*) FROM access_log"));
        Assert.Equal(40_500, await db.ScalarAsync("SELECT SUM(requests) FROM rollup_minute"));
        Assert.Empty(await db.VerifyRollupsAsync());
        Assert.Equal(41_000, (await store.GetNextOffsetsAsync(Group, "nginx-access", CancellationToken.None))[0]);
        Assert.Equal(40_000, (await store.StoreAsync(Group, large, CancellationToken.None)).AlreadyStored);
    }

    // Polls InnoDB, with a deadline, until the batch transaction has written its raw rows and waits for the blocker.
    private static async Task WaitForBlockedTransactionAsync(TestDatabase db, long rowsModified, Task storing)
    {
        var deadline = Stopwatch.StartNew();
        await using var connection = await db.Connections.OpenAsync(CancellationToken.None);
        while (true)
        {
            Assert.False(storing.IsCompleted, $"The batch finished (status {storing.Status}) before the crash could be injected: {storing.Exception?.GetBaseException().Message}");
            await using var cmd = new MySqlCommand(
                "SELECT COUNT(*) FROM information_schema.INNODB_TRX WHERE trx_state = 'LOCK WAIT' AND trx_rows_modified >= @rows", connection);
            cmd.Parameters.AddWithValue("@rows", rowsModified);
            if (Convert.ToInt64(await cmd.ExecuteScalarAsync()) > 0) return;
            // 40,000 rows load in about a second on a quiet machine; CI machines are not always quiet.
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(120), "The batch transaction did not reach the crash point within 120 s");
            await Task.Delay(10);
        }
    }
}
