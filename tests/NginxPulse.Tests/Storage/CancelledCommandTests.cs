using MySql.Data.MySqlClient;
using NginxPulse.Functions.Storage;
using NginxPulse.Tests.Support;
using Xunit;

namespace NginxPulse.Tests.Storage;

/// <summary>
/// A command whose token is cancelled while the server runs it ends in an OperationCanceledException, which the
/// triggers treat as a shutdown or a caller gone. MySql.Data 8.0.16 itself answers with a null reader (a
/// NullReferenceException from ExecuteNonQueryAsync/ExecuteScalarAsync, null from ExecuteReaderAsync), which the
/// functions logged as failures on every shutdown or hung-up report.
/// </summary>
public sealed class CancelledCommandTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync(migrate: false);

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public Task A_cancelled_statement_ends_in_OperationCanceledException() =>
        AssertCancelledAsync((command, ct) => command.RunAsync(ct));

    [Fact]
    public Task A_cancelled_scalar_query_ends_in_OperationCanceledException() =>
        AssertCancelledAsync((command, ct) => command.ScalarAsync(ct));

    [Fact]
    public Task A_cancelled_row_read_ends_in_OperationCanceledException() =>
        AssertCancelledAsync((command, ct) => RowStream.ReadAsync(command, _ => { }, ct));

    private async Task AssertCancelledAsync(Func<MySqlCommand, CancellationToken, Task> run)
    {
        var marker = $"cancel_{Guid.NewGuid():N}";
        using var cancel = new CancellationTokenSource();
        var running = Task.Run(async () =>
        {
            await using var connection = await _db.Connections.OpenAsync(CancellationToken.None);
            await using var command = new MySqlCommand($"SELECT SLEEP(600) AS {marker}", connection);
            await run(command, cancel.Token);
        });
        // Cancel only once the server runs the statement: the driver's cancel path is the one under test.
        await Eventually.TrueAsync(async () => running.IsCompleted || await _db.ScalarAsync(
            $"SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE '%{marker}%' AND INFO NOT LIKE '%PROCESSLIST%'") == 1,
            Deadline, "the statement to run on the server");
        await cancel.CancelAsync();

        var finished = await Task.WhenAny(running, Task.Delay(Deadline));
        Assert.Same(running, finished);
        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        Assert.Equal(cancel.Token, error.CancellationToken);
        Assert.Equal(1L, await _db.ScalarAsync("SELECT 1"));
    }
}
