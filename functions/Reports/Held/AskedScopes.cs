namespace NginxPulse.Functions.Reports.Held;

/// <summary>
/// The vhost/host filters reports were asked for lately (the dashboard's filter selects), so <see cref="HeldAhead"/>
/// holds their rolling ranges too. The most recent <see cref="Most"/> are kept.
/// </summary>
public sealed class AskedScopes(TimeProvider clock)
{
    public const int Most = 16;

    private readonly Lock _gate = new();
    private readonly Dictionary<(string? Vhost, string? Host), DateTime> _lastAsked = [];

    /// <summary>Notes a call's filter; the whole site is always held ahead and not noted.</summary>
    public void Note(string? vhost, string? host)
    {
        if (vhost is null && host is null) return;
        lock (_gate)
        {
            _lastAsked[(vhost, host)] = clock.GetUtcNow().UtcDateTime;
            if (_lastAsked.Count > Most) _lastAsked.Remove(_lastAsked.MinBy(a => a.Value).Key);
        }
    }

    /// <summary>The filters asked for at or after <paramref name="sinceUtc"/>, most recent first.</summary>
    public IReadOnlyList<(string? Vhost, string? Host)> Since(DateTime sinceUtc)
    {
        lock (_gate)
            return [.. _lastAsked.Where(a => a.Value >= sinceUtc).OrderByDescending(a => a.Value).Select(a => a.Key)];
    }
}
