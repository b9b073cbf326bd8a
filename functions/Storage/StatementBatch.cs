using System.Globalization;
using System.Text;
using MySql.Data.MySqlClient;

namespace NginxPulse.Functions.Storage;

/// <summary>
/// Several SQL statements sent as one command: one round trip for what would otherwise be one per statement. If a
/// statement fails, the server runs none of the following ones and the error surfaces from <see cref="ExecuteAsync"/>;
/// the enclosing transaction is then rolled back as a whole. Numbers, booleans and times are written as literals
/// formatted from their typed values (nothing to inject); strings and bytes become parameters, one per distinct value,
/// because MySql.Data's per-parameter cost dominated the rollup upserts (measured by the benchmark).
/// </summary>
internal sealed class StatementBatch
{
    /// <summary>
    /// Statements are sent together up to this much text (more when a single statement is longer), keeping a command
    /// far below MariaDB's default 16 MB max_allowed_packet even after string parameters are substituted.
    /// </summary>
    internal const int CommandChars = 1 << 20;

    private readonly MySqlConnection _connection;
    private readonly MySqlTransaction _transaction;
    private readonly StringBuilder _sql = new();
    private readonly List<MySqlParameter> _parameters = [];
    private readonly Dictionary<object, string> _names = [];
    private readonly List<int> _statementEnds = [];
    // Rollup rows come sorted by minute: formatting each distinct time once saves most of the work.
    private DateTime? _lastTime;
    private string _lastTimeText = "";

    public StatementBatch(MySqlConnection connection, MySqlTransaction transaction)
    {
        _connection = connection;
        _transaction = transaction;
    }

    /// <summary>A new, empty batch on the same connection and transaction, for statements that depend on this one's results.</summary>
    public StatementBatch NextBatch() => new(_connection, _transaction);

    public StatementBatch Sql(string text)
    {
        _sql.Append(text);
        return this;
    }

    public StatementBatch Sql(char c)
    {
        _sql.Append(c);
        return this;
    }

    /// <summary>Appends a value as a literal or a parameter reference.</summary>
    public StatementBatch Value(object? value)
    {
        switch (value)
        {
            case null: _sql.Append("NULL"); break;
            case int i: _sql.Append(CultureInfo.InvariantCulture, $"{i}"); break;
            case long l: _sql.Append(CultureInfo.InvariantCulture, $"{l}"); break;
            case ulong u: _sql.Append(CultureInfo.InvariantCulture, $"{u}"); break;
            case bool b: _sql.Append(b ? '1' : '0'); break;
            case DateTime t:
                if (t != _lastTime) (_lastTime, _lastTimeText) = (t, $"'{t.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture)}'");
                _sql.Append(_lastTimeText);
                break;
            case string or byte[]:
                // byte[] keys compare by reference: the same id array is reused, equal copies just get two parameters.
                if (!_names.TryGetValue(value, out var name))
                {
                    name = "@v" + _names.Count.ToString(CultureInfo.InvariantCulture);
                    _names[value] = name;
                    _parameters.Add(new MySqlParameter(name, value));
                }
                _sql.Append(name);
                break;
            default: throw new ArgumentException($"Unsupported column value type {value.GetType()}", nameof(value));
        }
        return this;
    }

    /// <summary>Ends the current statement.</summary>
    public StatementBatch End()
    {
        _sql.Append(";\n");
        _statementEnds.Add(_sql.Length);
        return this;
    }

    /// <summary>Runs every statement, in order; returns the summed affected-row counts.</summary>
    public async Task<long> ExecuteAsync(CancellationToken ct)
    {
        if (_statementEnds.Count == 0 || _statementEnds[^1] != _sql.Length)
            throw new InvalidOperationException("Every statement of a batch must be ended with End().");
        long affected = 0;
        var start = 0;
        for (var i = 0; i < _statementEnds.Count;)
        {
            // At least one statement per command, then as many more as fit.
            var end = _statementEnds[i++];
            while (i < _statementEnds.Count && _statementEnds[i] - start <= CommandChars) end = _statementEnds[i++];
            await using var cmd = Command(_sql.ToString(start, end - start));
            affected += await cmd.RunAsync(ct);
            start = end;
        }
        return affected;
    }

    /// <summary>Runs every statement and reads the result set of the one that returns rows.</summary>
    public Task ReadAsync(Action<System.Data.Common.DbDataReader> row, CancellationToken ct) => ReadAsync((_, reader) => row(reader), ct);

    /// <summary>Runs every statement and reads the rows of those that return rows, with the result set's index (0, 1, ...).</summary>
    public async Task ReadAsync(Action<int, System.Data.Common.DbDataReader> row, CancellationToken ct)
    {
        await using var cmd = Command(_sql.ToString());
        await RowStream.ReadAsync(cmd, row, ct);
    }

    private MySqlCommand Command(string sql)
    {
        var cmd = new MySqlCommand(sql, _connection, _transaction);
        cmd.Parameters.AddRange(_parameters.ToArray());
        return cmd;
    }
}
