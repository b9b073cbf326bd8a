using NginxPulse.Functions.Reports.Queries;
using NginxPulse.Functions.Reports.Slices;

namespace NginxPulse.Functions.Reports.Held;

/// <summary>
/// Day sets held in this replica's memory, so the summary's visitors take the day's clients from memory and only the
/// sets around them from the database (a host's day at 10M rows a day: 50,000 rows the statement would read and count
/// apart on every call). An entry answers for the folds a reader's snapshot found (<see cref="DaySetVersion"/>).
/// <see cref="ReportsOptions.DayClientsCacheMegabytes"/> bounds it.
/// </summary>
public sealed class DayClientsCache(ReportDatabase database, long capacityBytes, ILogger<DayClientsCache> logger)
    : HeldCache<DaySet, DaySetVersion, HeldDayClients>(capacityBytes, logger)
{
    protected override async Task<HeldDayClients?> ReadAsync(DaySet key, DaySetVersion version, CancellationToken ct)
    {
        await using var snapshot = await database.SnapshotAsync(ct);
        KeyValuePair<string, object>[] parameters =
            [new("@day", key.Day), new("@scope", key.Scope), new("@vhost", key.Vhost), new("@host", key.Host)];
        DaySetVersion? stored = null;
        await snapshot.ReadAsync($"SELECT {DaySetVersion.Sql("@day")}", parameters,
            row => stored = new DaySetVersion(Convert.ToInt64(row.GetValue(0)), Convert.ToInt64(row.GetValue(1))), ct);
        if (stored != version) return null;
        var (clients, hours, fives) = (new List<ulong>(), new List<uint>(), new List<ulong>());
        var rows = key.IsSite
            ? "day_site_clients WHERE day_utc = @day"
            : "day_clients WHERE scope = @scope AND vhost = @vhost AND host = @host AND day_utc = @day";
        await snapshot.ReadAsync($"SELECT client_hash, hours, {string.Join(", ", DayFiveMinutes.Names)} FROM {rows}", parameters, row =>
        {
            clients.Add(Convert.ToUInt64(row.GetValue(0)));
            hours.Add(Convert.ToUInt32(row.GetValue(1)));
            for (var k = 0; k < DayFiveMinutes.Names.Count; k++) fives.Add(Convert.ToUInt64(row.GetValue(2 + k)));
        }, ct);
        return new HeldDayClients([.. clients], [.. hours], [.. fives]);
    }

    protected override long BytesOf(HeldDayClients value) => value.ApproximateBytes;
}
