using MySql.Data.MySqlClient;
using NginxPulse.Functions.Storage;
using Xunit;

namespace NginxPulse.Tests.Storage;

public sealed class StatementBatchTests : IAsyncLifetime
{
    private TestDatabase _db = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync(migrate: false);
        await _db.ExecuteAsync("CREATE TABLE t (n INT NOT NULL PRIMARY KEY, s VARCHAR(64) NOT NULL, at DATETIME(3) NULL) ENGINE = InnoDB");
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task Statements_beyond_one_command_run_in_order_over_several_round_trips_with_their_counts_summed()
    {
        await using var connection = await _db.Connections.OpenAsync(CancellationToken.None);
        await using var transaction = await connection.BeginTransactionAsync();
        var batch = new StatementBatch(connection, transaction);
        var at = new DateTime(2026, 11, 21, 14, 3, 7, 123, DateTimeKind.Utc);
        // Each statement repeats a long comment, so the text is several times StatementBatch.CommandChars.
        var padding = "/*" + new string('x', 10_000) + "*/";
        const int Statements = 400;
        for (var n = 0; n < Statements; n++)
            batch.Sql(padding).Sql("INSERT INTO t (n, s, at) VALUES (").Value(n).Sql(',').Value(n % 2 == 0 ? "even 'quoted'" : "odd;\\").Sql(',').Value(at).Sql(')').End();
        // Depends on every insert before it, in order.
        batch.Sql("UPDATE t SET s = CONCAT(s, '!') WHERE n = (SELECT c FROM (SELECT COUNT(*) - 1 AS c FROM t) AS counted)").End();

        var affected = await batch.ExecuteAsync(CancellationToken.None);
        await transaction.CommitAsync();

        Assert.True(Statements * padding.Length > 3 * StatementBatch.CommandChars);
        Assert.Equal(Statements + 1, affected);
        Assert.Equal(Statements, await _db.ScalarAsync("SELECT COUNT(*) FROM t"));
        Assert.Equal(Statements / 2, await _db.ScalarAsync("SELECT COUNT(*) FROM t WHERE s = 'even ''quoted''' AND at = '2026-11-21 14:03:07.123'"));
        Assert.Equal(1, await _db.ScalarAsync($"SELECT COUNT(*) FROM t WHERE n = {Statements - 1} AND s = 'odd;\\\\!'"));
    }

    [Fact]
    public async Task A_failing_statement_stops_the_ones_after_it_and_the_transaction_rolls_back_whole()
    {
        await using (var connection = await _db.Connections.OpenAsync(CancellationToken.None))
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            var batch = new StatementBatch(connection, transaction);
            batch.Sql("INSERT INTO t (n, s) VALUES (1, 'first')").End();
            batch.Sql("INSERT INTO t (n, s) VALUES (1, 'duplicate key')").End();
            batch.Sql("INSERT INTO t (n, s) VALUES (3, 'never runs')").End();

            var error = await Assert.ThrowsAsync<MySqlException>(() => batch.ExecuteAsync(CancellationToken.None));
            Assert.Contains("Duplicate entry", error.Message);
            Assert.Equal("first", await InTransactionAsync(connection, transaction, "SELECT GROUP_CONCAT(s ORDER BY n) FROM t"));
        }

        Assert.Equal(0, await _db.ScalarAsync("SELECT COUNT(*) FROM t"));
    }

    [Fact]
    public async Task A_statement_left_unended_is_refused_before_anything_runs()
    {
        await using var connection = await _db.Connections.OpenAsync(CancellationToken.None);
        await using var transaction = await connection.BeginTransactionAsync();
        var batch = new StatementBatch(connection, transaction);
        batch.Sql("INSERT INTO t (n, s) VALUES (1, 'ended')").End();
        batch.Sql("INSERT INTO t (n, s) VALUES (2, 'not ended')");

        await Assert.ThrowsAsync<InvalidOperationException>(() => batch.ExecuteAsync(CancellationToken.None));
        Assert.Equal(0L, await InTransactionAsync(connection, transaction, "SELECT COUNT(*) FROM t"));
    }

    private static async Task<object?> InTransactionAsync(MySqlConnection connection, MySqlTransaction transaction, string sql)
    {
        await using var cmd = new MySqlCommand(sql, connection, transaction);
        return await cmd.ExecuteScalarAsync();
    }
}
