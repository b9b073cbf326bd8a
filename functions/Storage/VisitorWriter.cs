using NginxPulse.Functions.Parsing;

namespace NginxPulse.Functions.Storage;

/// <summary>
/// Keeps the hourly client sets in step with access_log, in the batch transaction: hourly_clients (per hour, vhost and
/// host) and hourly_site_clients (per hour, whole site — what the dashboard and an unfiltered summary count). Clients
/// are stored as their 64-bit <see cref="ClientHash"/>. Sets, so adding the clients of rows that were already stored
/// changes nothing: the same statements are right whether the batch was all new, partly repeated or recomputed.
/// Clients this process has committed for an hour are remembered (as hashes, per hour) and not sent again, so in
/// steady traffic a batch writes only the hour's new clients.
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

    public readonly record struct VisitorKey(DateTime HourUtc, HostClient Client);

    public readonly record struct SiteVisitorKey(DateTime HourUtc, ulong Client);

    /// <summary>A batch's clients not yet known to be stored, in primary-key order.</summary>
    public sealed record NewClients(IReadOnlyList<VisitorKey> ByHost, IReadOnlyList<SiteVisitorKey> Site)
    {
        public static readonly NewClients None = new([], []);
    }

    private sealed class CommittedHour
    {
        public HashSet<HostClient> ByHost { get; } = [];
        public HashSet<ulong> Site { get; } = [];
    }

    private static readonly MultiRowInsert<VisitorKey> ByHostUpsert = new("hourly_clients",
    [
        ("hour_utc", k => k.HourUtc),
        ("vhost", k => k.Client.Vhost),
        ("host", k => k.Client.Host),
        ("client_hash", k => k.Client.Client),
    ],
    "ON DUPLICATE KEY UPDATE client_hash = client_hash");

    private static readonly MultiRowInsert<SiteVisitorKey> SiteUpsert = new("hourly_site_clients",
    [
        ("hour_utc", k => k.HourUtc),
        ("client_hash", k => k.Client),
    ],
    "ON DUPLICATE KEY UPDATE client_hash = client_hash");

    /// <summary>The batch's clients that this process has not committed yet; hand them to <see cref="AppendTo"/> and,
    /// once the transaction has committed, to <see cref="Committed"/>.</summary>
    public NewClients Collect(IReadOnlyList<AccessRecord> records)
    {
        if (records.Count == 0) return NewClients.None;
        var byHost = new HashSet<VisitorKey>();
        var site = new HashSet<SiteVisitorKey>();
        // A client usually sends many of a batch's requests: its MD5 is computed once.
        var hashes = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var r in records)
        {
            var hour = RollupDelta.HourOf(r.TimeUtc);
            var text = r.ClientIp ?? r.RemoteAddr;
            if (!hashes.TryGetValue(text, out var client)) hashes[text] = client = ClientHash.Of(text);
            byHost.Add(new VisitorKey(hour, new HostClient(r.Vhost, r.Host, client)));
            site.Add(new SiteVisitorKey(hour, client));
        }
        lock (_gate)
        {
            byHost.RemoveWhere(k => _committed.TryGetValue(k.HourUtc, out var c) && c.ByHost.Contains(k.Client));
            site.RemoveWhere(k => _committed.TryGetValue(k.HourUtc, out var c) && c.Site.Contains(k.Client));
        }
        // Primary-key order, so concurrent batches lock shared rows in the same order.
        var orderedByHost = byHost.ToList();
        orderedByHost.Sort(static (a, b) =>
        {
            var c = a.HourUtc.CompareTo(b.HourUtc);
            if (c == 0) c = string.CompareOrdinal(a.Client.Vhost, b.Client.Vhost);
            if (c == 0) c = string.CompareOrdinal(a.Client.Host, b.Client.Host);
            return c != 0 ? c : a.Client.Client.CompareTo(b.Client.Client);
        });
        var orderedSite = site.ToList();
        orderedSite.Sort(static (a, b) => a.HourUtc != b.HourUtc ? a.HourUtc.CompareTo(b.HourUtc) : a.Client.CompareTo(b.Client));
        return new NewClients(orderedByHost, orderedSite);
    }

    /// <summary>Appends the upserts of the collected clients (nothing when there are none).</summary>
    public static void AppendTo(StatementBatch batch, NewClients clients)
    {
        ByHostUpsert.AppendTo(batch, clients.ByHost, RowsPerStatement);
        SiteUpsert.AppendTo(batch, clients.Site, RowsPerStatement);
    }

    /// <summary>Remembers clients whose rows are now committed (never before: a rolled-back batch wrote nothing).</summary>
    public void Committed(NewClients clients)
    {
        if (clients.ByHost.Count == 0 && clients.Site.Count == 0) return;
        lock (_gate)
        {
            foreach (var key in clients.ByHost) Hour(key.HourUtc).ByHost.Add(key.Client);
            foreach (var key in clients.Site) Hour(key.HourUtc).Site.Add(key.Client);
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
