namespace NginxPulse.Functions.Storage;

/// <summary>
/// "INSERT INTO t (cols) VALUES (...), (...) suffix": one statement for many rows instead of one per row, appended
/// to a <see cref="StatementBatch"/> so it can share a round trip with other statements.
/// </summary>
internal sealed class MultiRowInsert<T>
{
    private readonly string _prefix;
    private readonly string _suffix;
    private readonly Func<T, object?>[] _values;

    /// <param name="table">Table name.</param>
    /// <param name="columns">Column name and value accessor, in statement order.</param>
    /// <param name="suffix">Text after VALUES, e.g. an ON DUPLICATE KEY UPDATE clause.</param>
    public MultiRowInsert(string table, IReadOnlyList<(string Column, Func<T, object?> Value)> columns, string suffix)
    {
        _prefix = $"INSERT INTO {table} ({string.Join(", ", columns.Select(c => c.Column))}) VALUES ";
        _suffix = suffix;
        _values = columns.Select(c => c.Value).ToArray();
    }

    /// <summary>Appends one statement inserting <paramref name="count"/> rows from <paramref name="start"/>; nothing when there are none.</summary>
    public void AppendTo(StatementBatch batch, IReadOnlyList<T> rows, int start, int count)
    {
        if (count == 0) return;
        batch.Sql(_prefix);
        for (var i = 0; i < count; i++)
        {
            var row = rows[start + i];
            batch.Sql(i == 0 ? "(" : ",(");
            for (var c = 0; c < _values.Length; c++)
            {
                if (c > 0) batch.Sql(',');
                batch.Value(_values[c](row));
            }
            batch.Sql(')');
        }
        batch.Sql(' ').Sql(_suffix).End();
    }

    /// <summary>Appends statements inserting every row, at most <paramref name="rowsPerStatement"/> rows each.</summary>
    public void AppendTo(StatementBatch batch, IReadOnlyList<T> rows, int rowsPerStatement)
    {
        for (var start = 0; start < rows.Count; start += rowsPerStatement)
            AppendTo(batch, rows, start, Math.Min(rowsPerStatement, rows.Count - start));
    }
}
