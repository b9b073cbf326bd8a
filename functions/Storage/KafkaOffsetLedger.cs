using System.Text;
using MySql.Data.MySqlClient;

namespace NginxPulse.Functions.Storage;

/// <summary>kafka_offsets: the next offset per (consumer group, topic, partition), locked and advanced with the data.</summary>
internal sealed class KafkaOffsetLedger
{
    public readonly record struct TopicPartition(string Topic, int Partition);

    /// <summary>
    /// Locks this group's rows for the given partitions (creating missing ones at 0) and returns their next offsets.
    /// The lock makes a second consumer of the same partition (rebalance overlap) wait and then see our offsets.
    /// </summary>
    public async Task<Dictionary<TopicPartition, long>> LockAsync(MySqlConnection connection, MySqlTransaction transaction,
        string group, IReadOnlyList<TopicPartition> partitions, CancellationToken ct)
    {
        await using (var insert = new MySqlCommand { Connection = connection, Transaction = transaction })
        {
            var sql = new StringBuilder("INSERT INTO kafka_offsets (consumer_group, topic, `partition`, next_offset, updated_utc) VALUES ");
            insert.Parameters.AddWithValue("@group", group);
            for (var i = 0; i < partitions.Count; i++)
            {
                sql.Append(i == 0 ? "" : ",").Append($"(@group, @t{i}, @p{i}, 0, UTC_TIMESTAMP(3))");
                insert.Parameters.AddWithValue($"@t{i}", partitions[i].Topic);
                insert.Parameters.AddWithValue($"@p{i}", partitions[i].Partition);
            }
            sql.Append(" ON DUPLICATE KEY UPDATE next_offset = next_offset");
            insert.CommandText = sql.ToString();
            await insert.ExecuteNonQueryAsync(ct);
        }

        await using var select = new MySqlCommand { Connection = connection, Transaction = transaction };
        select.Parameters.AddWithValue("@group", group);
        var where = new StringBuilder();
        for (var i = 0; i < partitions.Count; i++)
        {
            where.Append(i == 0 ? "" : " OR ").Append($"(topic = @t{i} AND `partition` = @p{i})");
            select.Parameters.AddWithValue($"@t{i}", partitions[i].Topic);
            select.Parameters.AddWithValue($"@p{i}", partitions[i].Partition);
        }
        select.CommandText = $"SELECT topic, `partition`, next_offset FROM kafka_offsets WHERE consumer_group = @group AND ({where}) FOR UPDATE";
        var offsets = new Dictionary<TopicPartition, long>();
        await using var reader = await select.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            offsets[new TopicPartition(reader.GetString(0), reader.GetInt32(1))] = reader.GetInt64(2);
        return offsets;
    }

    /// <summary>Moves each partition's next offset forward (never back: a rewound consumer must not reopen stored offsets).</summary>
    public async Task AdvanceAsync(MySqlConnection connection, MySqlTransaction transaction, string group,
        IReadOnlyDictionary<TopicPartition, long> nextOffsets, CancellationToken ct)
    {
        await using var cmd = new MySqlCommand { Connection = connection, Transaction = transaction };
        var sql = new StringBuilder("INSERT INTO kafka_offsets (consumer_group, topic, `partition`, next_offset, updated_utc) VALUES ");
        cmd.Parameters.AddWithValue("@group", group);
        var i = 0;
        foreach (var (tp, next) in nextOffsets)
        {
            sql.Append(i == 0 ? "" : ",").Append($"(@group, @t{i}, @p{i}, @n{i}, UTC_TIMESTAMP(3))");
            cmd.Parameters.AddWithValue($"@t{i}", tp.Topic);
            cmd.Parameters.AddWithValue($"@p{i}", tp.Partition);
            cmd.Parameters.AddWithValue($"@n{i}", next);
            i++;
        }
        sql.Append(" ON DUPLICATE KEY UPDATE next_offset = GREATEST(next_offset, VALUES(next_offset)), updated_utc = VALUES(updated_utc)");
        cmd.CommandText = sql.ToString();
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<IReadOnlyDictionary<int, long>> ReadAsync(MySqlConnection connection, string group, string topic, CancellationToken ct)
    {
        await using var cmd = new MySqlCommand("SELECT `partition`, next_offset FROM kafka_offsets WHERE consumer_group = @group AND topic = @topic", connection);
        cmd.Parameters.AddWithValue("@group", group);
        cmd.Parameters.AddWithValue("@topic", topic);
        var offsets = new Dictionary<int, long>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            offsets[reader.GetInt32(0)] = reader.GetInt64(1);
        return offsets;
    }
}
