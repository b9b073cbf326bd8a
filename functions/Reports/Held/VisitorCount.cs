using NginxPulse.Functions.Reports.Queries;
using NginxPulse.Functions.Reports.Slices;
using NginxPulse.Functions.Storage;

namespace NginxPulse.Functions.Reports.Held;

/// <summary>
/// The distinct clients of a filter's range (<see cref="ReportFilter.VisitorsSql"/>). When it reads day sets, one
/// snapshot first finds which day sets and bits it reads and their fold versions: if this replica holds all of them
/// (<see cref="DayClientsCache"/>) the day sets' clients come from memory and only the other sets' clients from the
/// database, merged here; else the database counts everything, and the day sets are read for the next call.
/// </summary>
public sealed class VisitorCount(ReportDatabase database, DayClientsCache cache)
{
    public async Task<long> CountAsync(ReportFilter filter, CancellationToken ct)
    {
        long visitors = 0;
        if (!filter.VisitorsReadDaySets || !cache.Enabled)
        {
            await database.ReadAsync(filter.VisitorsSql, filter, row => visitors = Convert.ToInt64(row.GetValue(0)), ct);
            return visitors;
        }
        await using var snapshot = await database.SnapshotAsync(ct);
        var days = await DaySetsAsync(snapshot, filter, ct);
        var keys = days.Select(d => (d.Set, d.Version)).ToList();
        if (cache.TryGetAll(keys) is { } held)
        {
            var clients = new HashSet<ulong>(held.Sum(h => h.Count));
            await snapshot.ReadAsync(filter.VisitorsOutsideDaySetsSql, filter.Values, row => PackedClientKeys.AddTo(clients, row.GetString(1), Convert.ToInt64(row.GetValue(0))), ct);
            for (var i = 0; i < days.Count; i++) held[i].AddMatching(clients, days[i].Hours, days[i].Fives);
            return clients.Count;
        }
        await snapshot.ReadAsync(filter.VisitorsSql, filter.Values, row => visitors = Convert.ToInt64(row.GetValue(0)), ct);
        // After this call's own reads, so filling does not slow the call that missed.
        cache.RequestFill(keys);
        return visitors;
    }

    /// <summary>Asks for the day sets <paramref name="filter"/>'s range counts to be held (<see cref="HeldAhead"/>): read in the background unless held.</summary>
    public async Task HoldAheadAsync(ReportFilter filter, CancellationToken ct)
    {
        if (!filter.VisitorsReadDaySets || !cache.Enabled) return;
        await using var snapshot = await database.SnapshotAsync(ct);
        cache.RequestFill([.. (await DaySetsAsync(snapshot, filter, ct)).Select(d => (d.Set, d.Version))]);
    }

    /// <summary>The day sets the range counts, their fold versions in this snapshot, and the hours and 5 minutes counted of each.</summary>
    private static async Task<List<(DaySet Set, DaySetVersion Version, uint Hours, ulong[] Fives)>> DaySetsAsync(ConsistentSnapshot snapshot, ReportFilter filter, CancellationToken ct)
    {
        var days = new List<(DaySet Set, DaySetVersion Version, uint Hours, ulong[] Fives)>();
        await snapshot.ReadAsync(filter.VisitorDaySetsSql, filter.Values, row =>
        {
            var fives = DayFiveMinutes.Names.Select((_, k) => Convert.ToUInt64(row.GetValue(2 + k))).ToArray();
            var version = 2 + fives.Length;
            days.Add((filter.DaySetOf(row.GetDateTime(0)), new DaySetVersion(Convert.ToInt64(row.GetValue(version)), Convert.ToInt64(row.GetValue(version + 1))),
                Convert.ToUInt32(row.GetValue(1)), fives));
        }, ct);
        return days;
    }
}
