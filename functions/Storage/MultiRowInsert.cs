using System.Globalization;
using System.Text;
using MySql.Data.MySqlClient;

namespace NginxPulse.Functions.Storage;

/// <summary>
/// Builds and runs "INSERT INTO t (cols) VALUES (...), (...) suffix" in chunks: one round trip per chunk instead of
/// per row, while keeping each statement well below max_allowed_packet. Numbers, booleans and times are written as
/// literals formatted from their typed values (nothing to inject); strings and bytes become parameters, one per
/// distinct value, because MySql.Data's per-parameter cost dominated the rollup upserts (measured by the benchmark).
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
            var names = new Dictionary<object, string>();
            for (var i = 0; i < count; i++)
            {
                var row = rows[start + i];
                sql.Append(i == 0 ? "(" : ",(");
                for (var c = 0; c < _columnCount; c++)
                {
                    if (c > 0) sql.Append(',');
                    AppendValue(sql, cmd, names, _values[c](row));
                }
                sql.Append(')');
            }
            sql.Append(' ').Append(_suffix);
            cmd.CommandText = sql.ToString();
            affected += await cmd.ExecuteNonQueryAsync(ct);
        }
        return affected;
    }

    private static void AppendValue(StringBuilder sql, MySqlCommand cmd, Dictionary<object, string> names, object? value)
    {
        switch (value)
        {
            case null: sql.Append("NULL"); break;
            case int i: sql.Append(i.ToString(CultureInfo.InvariantCulture)); break;
            case long l: sql.Append(l.ToString(CultureInfo.InvariantCulture)); break;
            case bool b: sql.Append(b ? '1' : '0'); break;
            case DateTime t: sql.Append('\'').Append(t.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture)).Append('\''); break;
            case string or byte[]:
                // byte[] keys compare by reference: the same id array is reused, equal copies just get two parameters.
                if (!names.TryGetValue(value, out var name))
                {
                    name = "@v" + names.Count.ToString(CultureInfo.InvariantCulture);
                    names[value] = name;
                    cmd.Parameters.AddWithValue(name, value);
                }
                sql.Append(name);
                break;
            default: throw new ArgumentException($"Unsupported column value type {value.GetType()}", nameof(value));
        }
    }
}
