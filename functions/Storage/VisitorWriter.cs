using NginxPulse.Functions.Parsing;

namespace NginxPulse.Functions.Storage;

/// <summary>
/// Keeps the client sets in step with access_log, in the batch transaction: hourly_clients (per hour, vhost and host),
/// hourly_site_clients (per hour, whole site — what the dashboard and an unfiltered summary count),
/// five_minute_clients (per 5 minutes, vhost and host) and five_minute_site_clients (per 5 minutes, whole site) — the
/// partial hours at either end of an unaligned range, filtered or not. Clients are stored as their 64-bit
/// <see cref="ClientHash"/>. Sets, so adding the clients of rows that were already stored changes nothing: the same
/// statements are right whether the batch was all new, partly repeated or recomputed. Clients this process has
/// committed for an hour or 5 minutes are remembered (as hashes, per hour) and not sent again, so in steady traffic a
/// batch writes only the new clients of its hours and 5 minutes.
/// </summary>
internal sealed class VisitorWriter
{
    private const int RowsPerStatement = 1000;
    // Hours this far behind the newest one seen are dropped from the memory of committed clients.
    private static readonly TimeSpan Remembered = TimeSpan.FromHours(2);

    private readonly object _gate = new();
    private readonly Dictionary<DateTime, CommittedHour> _committed = [];
    private DateTime _newestHour = DateTime.MinValue;

    public readonly record struct HostClient(string Vhost, string Host, ulong Client);

    /// <summary>A per-scope set's row: <paramref name="TimeUtc"/> is the hour, or the 5 minutes, the client was seen in.</summary>
    public readonly record struct VisitorKey(DateTime TimeUtc, HostClient Client);

    /// <summary>A whole-site set's row: <paramref name="TimeUtc"/> is the hour, or the 5 minutes, the client was seen in.</summary>
    public readonly record struct SiteVisitorKey(DateTime TimeUtc, ulong Client);

    /// <summary>A batch's clients not yet known to be stored, in primary-key order.</summary>
    public sealed record NewClients(IReadOnlyList<VisitorKey> ByHost, IReadOnlyList<SiteVisitorKey> Site,
        IReadOnlyList<VisitorKey> ByHostFiveMinutes, IReadOnlyList<SiteVisitorKey> SiteFiveMinutes)
    {
        public static readonly NewClients None = new([], [], [], []);

        public bool IsEmpty => ByHost.Count == 0 && Site.Count == 0 && ByHostFiveMinutes.Count == 0 && SiteFiveMinutes.Count == 0;
    }

    private sealed class CommittedHour
    {
        public HashSet<HostClient> ByHost { get; } = [];
        public HashSet<ulong> Site { get; } = [];
        public HashSet<VisitorKey> ByHostFiveMinutes { get; } = [];
        public HashSet<SiteVisitorKey> SiteFiveMinutes { get; } = [];
    }

    private static readonly MultiRowInsert<VisitorKey> ByHostUpsert = ScopeSet("hourly_clients", "hour_utc");

    private static readonly MultiRowInsert<SiteVisitorKey> SiteUpsert = SiteSet("hourly_site_clients", "hour_utc");

    private static readonly MultiRowInsert<VisitorKey> ByHostFiveMinutesUpsert = ScopeSet("five_minute_clients", "minute_utc");

    private static readonly MultiRowInsert<SiteVisitorKey> SiteFiveMinutesUpsert = SiteSet("five_minute_site_clients", "minute_utc");

    private const string KeepRow = "ON DUPLICATE KEY UPDATE client_hash = client_hash";

    private static MultiRowInsert<VisitorKey> ScopeSet(string table, string timeColumn) =>
        new(table, [(timeColumn, k => k.TimeUtc), ("vhost", k => k.Client.Vhost), ("host", k => k.Client.Host), ("client_hash", k => k.Client.Client)], KeepRow);

    private static MultiRowInsert<SiteVisitorKey> SiteSet(string table, string timeColumn) =>
        new(table, [(timeColumn, k => k.TimeUtc), ("client_hash", k => k.Client)], KeepRow);

    /// <summary>The windows of the 5-minute sets, aligned to the clock.</summary>
    public static readonly TimeSpan FiveMinutes = TimeSpan.FromMinutes(5);

    /// <summary>The first minute of the 5 minutes holding <paramref name="timeUtc"/>.</summary>
    public static DateTime FiveMinutesOf(DateTime timeUtc) =>
        new(timeUtc.Ticks - timeUtc.Ticks % FiveMinutes.Ticks, DateTimeKind.Utc);

    /// <summary>The batch's clients that this process has not committed yet; hand them to <see cref="AppendTo"/> and,
    /// once the transaction has committed, to <see cref="Committed"/>.</summary>
    public NewClients Collect(IReadOnlyList<AccessRecord> records)
    {
        if (records.Count == 0) return NewClients.None;
        var byHostFiveMinutes = new HashSet<VisitorKey>();
        var siteFiveMinutes = new HashSet<SiteVisitorKey>();
        // A client usually sends many of a batch's requests: its MD5 is computed once.
        var hashes = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var r in records)
        {
            var fiveMinutes = FiveMinutesOf(r.TimeUtc);
            var text = r.ClientIp ?? r.RemoteAddr;
            if (!hashes.TryGetValue(text, out var client)) hashes[text] = client = ClientHash.Of(text);
            byHostFiveMinutes.Add(new VisitorKey(fiveMinutes, new HostClient(r.Vhost, r.Host, client)));
            siteFiveMinutes.Add(new SiteVisitorKey(fiveMinutes, client));
        }
        // The hours' sets are the unions of their 5 minutes': built from the (far fewer) distinct keys, not the rows.
        var byHost = byHostFiveMinutes.Select(k => k with { TimeUtc = RollupDelta.HourOf(k.TimeUtc) }).ToHashSet();
        var site = siteFiveMinutes.Select(k => k with { TimeUtc = RollupDelta.HourOf(k.TimeUtc) }).ToHashSet();
        lock (_gate)
        {
            byHost.RemoveWhere(k => _committed.TryGetValue(k.TimeUtc, out var c) && c.ByHost.Contains(k.Client));
            site.RemoveWhere(k => _committed.TryGetValue(k.TimeUtc, out var c) && c.Site.Contains(k.Client));
            byHostFiveMinutes.RemoveWhere(k => _committed.TryGetValue(RollupDelta.HourOf(k.TimeUtc), out var c) && c.ByHostFiveMinutes.Contains(k));
            siteFiveMinutes.RemoveWhere(k => _committed.TryGetValue(RollupDelta.HourOf(k.TimeUtc), out var c) && c.SiteFiveMinutes.Contains(k));
        }
        // Primary-key order, so concurrent batches lock shared rows in the same order.
        return new NewClients(Sorted(byHost), Sorted(site), Sorted(byHostFiveMinutes), Sorted(siteFiveMinutes));
    }

    private static List<VisitorKey> Sorted(HashSet<VisitorKey> keys)
    {
        var ordered = keys.ToList();
        ordered.Sort(static (a, b) =>
        {
            var c = a.TimeUtc.CompareTo(b.TimeUtc);
            if (c == 0) c = string.CompareOrdinal(a.Client.Vhost, b.Client.Vhost);
            if (c == 0) c = string.CompareOrdinal(a.Client.Host, b.Client.Host);
            return c != 0 ? c : a.Client.Client.CompareTo(b.Client.Client);
        });
        return ordered;
    }

    private static List<SiteVisitorKey> Sorted(HashSet<SiteVisitorKey> keys)
    {
        var ordered = keys.ToList();
        ordered.Sort(static (a, b) => a.TimeUtc != b.TimeUtc ? a.TimeUtc.CompareTo(b.TimeUtc) : a.Client.CompareTo(b.Client));
        return ordered;
    }

    /// <summary>Appends the upserts of the collected clients (nothing when there are none).</summary>
    public static void AppendTo(StatementBatch batch, NewClients clients)
    {
        ByHostUpsert.AppendTo(batch, clients.ByHost, RowsPerStatement);
        SiteUpsert.AppendTo(batch, clients.Site, RowsPerStatement);
        ByHostFiveMinutesUpsert.AppendTo(batch, clients.ByHostFiveMinutes, RowsPerStatement);
        SiteFiveMinutesUpsert.AppendTo(batch, clients.SiteFiveMinutes, RowsPerStatement);
    }

    /// <summary>Remembers clients whose rows are now committed (never before: a rolled-back batch wrote nothing).</summary>
    public void Committed(NewClients clients)
    {
        if (clients.IsEmpty) return;
        lock (_gate)
        {
            foreach (var key in clients.ByHost) Hour(key.TimeUtc).ByHost.Add(key.Client);
            foreach (var key in clients.Site) Hour(key.TimeUtc).Site.Add(key.Client);
            foreach (var key in clients.ByHostFiveMinutes) Hour(RollupDelta.HourOf(key.TimeUtc)).ByHostFiveMinutes.Add(key);
            foreach (var key in clients.SiteFiveMinutes) Hour(RollupDelta.HourOf(key.TimeUtc)).SiteFiveMinutes.Add(key);
            var cutoff = _newestHour - Remembered;
            foreach (var hour in _committed.Keys.Where(h => h < cutoff).ToList()) _committed.Remove(hour);
        }
    }

    private CommittedHour Hour(DateTime hour)
    {
        if (!_committed.TryGetValue(hour, out var committed)) _committed[hour] = committed = new CommittedHour();
        if (hour > _newestHour) _newestHour = hour;
        return committed;
    }
}
