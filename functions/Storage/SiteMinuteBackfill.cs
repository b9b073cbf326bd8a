using MySql.Data.MySqlClient;

namespace NginxPulse.Functions.Storage;

/// <summary>
/// The part of migration 0040 that SQL cannot do: rollup_site_minute's histograms, each the sum of its minute's stored
/// scope histograms, one day per statement batch. It overwrites rather than adds, so a re-run after a crash writes the same.
/// </summary>
internal static class SiteMinuteBackfill
{
    public const int MigrationVersion = 40;

    public static async Task RunAsync(MySqlConnection connection, CancellationToken ct)
    {
        var days = new List<DateTime>();
        await using (var cmd = new MySqlCommand("SELECT DISTINCT DATE(minute_utc) FROM rollup_site_minute ORDER BY 1", connection))
            await RowStream.ReadAsync(cmd, row => days.Add(DateTime.SpecifyKind(row.GetDateTime(0), DateTimeKind.Utc)), ct);
        foreach (var day in days)
        {
            await using var transaction = await connection.BeginTransactionAsync(ct);
            var read = new StatementBatch(connection, transaction);
            read.Sql("SELECT minute_utc, histogram FROM rollup_histogram_minute WHERE minute_utc >= ").Value(day)
                .Sql(" AND minute_utc < ").Value(day.AddDays(1)).Sql(" FOR UPDATE").End();
            var site = new SortedDictionary<DateTime, LatencyCounts>();
            await read.ReadAsync(row =>
            {
                var minute = DateTime.SpecifyKind(row.GetDateTime(0), DateTimeKind.Utc);
                if (!site.TryGetValue(minute, out var sum)) site[minute] = sum = new LatencyCounts();
                sum.AddPacked((byte[])row.GetValue(1));
            }, ct);
            if (site.Count > 0)
            {
                var writes = new StatementBatch(connection, transaction);
                SiteMinuteTable.AppendWriteHistograms(writes, site);
                await writes.ExecuteAsync(ct);
            }
            await transaction.CommitAsync(ct);
        }
    }
}
