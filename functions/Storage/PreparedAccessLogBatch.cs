using NginxPulse.Functions.Parsing;

namespace NginxPulse.Functions.Storage;

/// <summary>
/// A batch made ready to store without touching the database: ids checked, records normalised, the LOAD DATA file
/// written, the rollup increments and the clients not yet committed computed. Storing it is then the database's work
/// alone, so the standalone trigger prepares batch N+1 this way while N is being stored. Reusable after a failed store
/// (the store is idempotent); owns its file, which disposing deletes.
/// </summary>
public sealed class PreparedAccessLogBatch : IDisposable
{
    internal PreparedAccessLogBatch(string consumerGroup, IReadOnlyList<IngestItem> items, IReadOnlyList<AccessRecord> records,
        string? rowsFile, RollupDelta delta, VisitorWriter.NewClients clients)
    {
        ConsumerGroup = consumerGroup;
        Items = items;
        Records = records;
        RowsFile = rowsFile;
        Delta = delta;
        Clients = clients;
    }

    public string ConsumerGroup { get; }

    /// <summary>How many messages the batch holds.</summary>
    public int Count => Items.Count;

    /// <summary>The messages, records normalised.</summary>
    internal IReadOnlyList<IngestItem> Items { get; }

    internal IReadOnlyList<AccessRecord> Records { get; }

    /// <summary>The records in LOAD DATA's format; null when the batch holds none.</summary>
    internal string? RowsFile { get; private set; }

    /// <summary>The rollup increments of all records, right when every one of them turns out new.</summary>
    internal RollupDelta Delta { get; }

    /// <summary>The records' clients this process had not committed when the batch was prepared (a superset of what is
    /// missing when it is stored: clients committed meanwhile are written again, which changes nothing).</summary>
    internal VisitorWriter.NewClients Clients { get; }

    public void Dispose()
    {
        if (RowsFile is null) return;
        File.Delete(RowsFile);
        RowsFile = null;
    }
}
