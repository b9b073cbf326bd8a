using MySql.Data.MySqlClient;

namespace NginxPulse.Functions.Storage;

/// <summary>kafka_offsets: the next offset per (consumer group, topic, partition), locked and advanced with the data.</summary>
internal sealed class KafkaOffsetLedger
{
    public readonly record struct TopicPartition(string Topic, int Partition);

    /// <summary>
    /// Locks this group's rows for the given partitions (creating missing ones at 0) and returns their next offsets,
    /// in one round trip. The lock makes a second consumer of the same partition (rebalance overlap) wait and then
    /// see our offsets.
    /// </summary>
    public async Task<Dictionary<TopicPartition, long>> LockAsync(MySqlConnection connection, MySqlTransaction transaction,
        string group, IReadOnlyList<TopicPartition> partitions, CancellationToken ct)
    {
        var batch = new StatementBatch(connection, transaction);
        batch.Sql("INSERT INTO kafka_offsets (consumer_group, topic, `partition`, next_offset, updated_utc) VALUES ");
        for (var i = 0; i < partitions.Count; i++)
        {
            batch.Sql(i == 0 ? "(" : ",(").Value(group).Sql(',').Value(partitions[i].Topic).Sql(',').Value(partitions[i].Partition)
                .Sql(", 0, UTC_TIMESTAMP(3))");
        }
        batch.Sql(" ON DUPLICATE KEY UPDATE next_offset = next_offset").End();

        batch.Sql("SELECT topic, `partition`, next_offset FROM kafka_offsets WHERE consumer_group = ").Value(group).Sql(" AND (");
        for (var i = 0; i < partitions.Count; i++)
            batch.Sql(i == 0 ? "(topic = " : " OR (topic = ").Value(partitions[i].Topic).Sql(" AND `partition` = ").Value(partitions[i].Partition).Sql(')');
        batch.Sql(") FOR UPDATE").End();

        var offsets = new Dictionary<TopicPartition, long>();
        await batch.ReadAsync(reader => offsets[new TopicPartition(reader.GetString(0), reader.GetInt32(1))] = reader.GetInt64(2), ct);
        return offsets;
    }

    /// <summary>
    /// Appends the statement that moves each partition's next offset forward (never back: a rewound consumer must not
    /// reopen stored offsets).
    /// </summary>
    public void AppendAdvance(StatementBatch batch, string group, IReadOnlyDictionary<TopicPartition, long> nextOffsets)
    {
        batch.Sql("INSERT INTO kafka_offsets (consumer_group, topic, `partition`, next_offset, updated_utc) VALUES ");
        var first = true;
        foreach (var (tp, next) in nextOffsets)
        {
            batch.Sql(first ? "(" : ",(").Value(group).Sql(',').Value(tp.Topic).Sql(',').Value(tp.Partition).Sql(',').Value(next)
                .Sql(", UTC_TIMESTAMP(3))");
            first = false;
        }
        batch.Sql(" ON DUPLICATE KEY UPDATE next_offset = GREATEST(next_offset, VALUES(next_offset)), updated_utc = VALUES(updated_utc)").End();
    }

    public async Task DeleteAsync(MySqlConnection connection, string group, string topic, IReadOnlyCollection<int> partitions, CancellationToken ct)
    {
        if (partitions.Count == 0) return;
        var names = partitions.Select((_, i) => $"@p{i}").ToArray();
        await using var cmd = new MySqlCommand(
            $"DELETE FROM kafka_offsets WHERE consumer_group = @group AND topic = @topic AND `partition` IN ({string.Join(", ", names)})", connection);
        cmd.Parameters.AddWithValue("@group", group);
        cmd.Parameters.AddWithValue("@topic", topic);
        foreach (var (partition, i) in partitions.Select((p, i) => (p, i))) cmd.Parameters.AddWithValue(names[i], partition);
        await cmd.RunAsync(ct);
    }

    public async Task<IReadOnlyDictionary<int, long>> ReadAsync(MySqlConnection connection, string group, string topic, CancellationToken ct)
    {
        await using var cmd = new MySqlCommand("SELECT `partition`, next_offset FROM kafka_offsets WHERE consumer_group = @group AND topic = @topic", connection);
        cmd.Parameters.AddWithValue("@group", group);
        cmd.Parameters.AddWithValue("@topic", topic);
        var offsets = new Dictionary<int, long>();
        await RowStream.ReadAsync(cmd, row => offsets[row.GetInt32(0)] = row.GetInt64(1), ct);
        return offsets;
    }
}
