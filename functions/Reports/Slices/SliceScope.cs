namespace NginxPulse.Functions.Reports.Slices;

/// <summary>
/// Which rows a slice keeps its values for (report_slice_value.scope): the whole site, each vhost, each host, each
/// vhost on each host. Every slice (hour, 5 minutes, minute) keeps all four, so a report filtered by vhost, host or
/// both reads one scope's rows.
/// </summary>
public sealed class SliceScope
{
    private SliceScope(int id, bool byVhost, bool byHost)
    {
        Id = id;
        ByVhost = byVhost;
        ByHost = byHost;
    }

    public static SliceScope VhostAndHost { get; } = new(0, byVhost: true, byHost: true);
    public static SliceScope Site { get; } = new(1, byVhost: false, byHost: false);
    public static SliceScope Vhost { get; } = new(2, byVhost: true, byHost: false);
    public static SliceScope Host { get; } = new(3, byVhost: false, byHost: true);

    public static IReadOnlyList<SliceScope> All { get; } = [VhostAndHost, Site, Vhost, Host];

    /// <summary>The report_slice_value.scope number.</summary>
    public int Id { get; }

    public bool ByVhost { get; }
    public bool ByHost { get; }

    /// <summary>The scope that answers a filter on vhost and/or host (the whole site without either).</summary>
    public static SliceScope Of(bool vhost, bool host) => All.Single(s => s.ByVhost == vhost && s.ByHost == host);

    /// <summary>A value's key within this scope: its vhost and host, '' for those the scope does not keep apart.</summary>
    public SliceKey KeyOf(SliceKey key) => new(ByVhost ? key.Vhost : "", ByHost ? key.Host : "", key.Value);
}
