using System.Text;
using MySql.Data.MySqlClient;

namespace NginxPulse.Functions.Storage;

/// <summary>
/// Builds and runs "INSERT INTO t (cols) VALUES (...), (...) suffix" in chunks: one round trip per chunk instead of
/// per row, while keeping each statement well below max_allowed_packet.
/// </summary>
internal sealed class MultiRowInsert<T>
{
    private readonly string _prefix;
    private readonly string _suffix;
    private readonly int _columnCount;
    private readonly Func<T, object?>[] _values;

    /// <param name="table">Table name.</param>
    /// <param name="columns">Column name and value accessor, in statement order.</param>
    /// <param name="suffix">Text after VALUES, e.g. an ON DUPLICATE KEY UPDATE clause.</param>
    public MultiRowInsert(string table, IReadOnlyList<(string Column, Func<T, object?> Value)> columns, string suffix)
    {
        _prefix = $"INSERT INTO {table} ({string.Join(", ", columns.Select(c => c.Column))}) VALUES ";
        _suffix = suffix;
        _columnCount = columns.Count;
        _values = columns.Select(c => c.Value).ToArray();
    }

    /// <summary>Inserts every row; returns the summed affected-row counts.</summary>
    public async Task<long> ExecuteAsync(MySqlConnection connection, MySqlTransaction transaction, IReadOnlyList<T> rows,
        int rowsPerStatement, CancellationToken ct)
    {
        long affected = 0;
        for (var start = 0; start < rows.Count; start += rowsPerStatement)
        {
            var count = Math.Min(rowsPerStatement, rows.Count - start);
            await using var cmd = new MySqlCommand { Connection = connection, Transaction = transaction };
            var sql = new StringBuilder(_prefix, _prefix.Length + count * _columnCount * 8 + _suffix.Length + 1);
            var p = 0;
            for (var i = 0; i < count; i++)
            {
                var row = rows[start + i];
                sql.Append(i == 0 ? "(" : ",(");
                for (var c = 0; c < _columnCount; c++)
                {
                    var name = "@p" + p++;
                    if (c > 0) sql.Append(',');
                    sql.Append(name);
                    cmd.Parameters.AddWithValue(name, _values[c](row) ?? DBNull.Value);
                }
                sql.Append(')');
            }
            sql.Append(' ').Append(_suffix);
            cmd.CommandText = sql.ToString();
            affected += await cmd.ExecuteNonQueryAsync(ct);
        }
        return affected;
    }
}
