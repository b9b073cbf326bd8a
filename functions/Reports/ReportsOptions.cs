namespace NginxPulse.Functions.Reports;

/// <summary>Bounds every report request so no caller can ask the database for unbounded work. Section <c>Reports</c>.</summary>
public sealed class ReportsOptions
{
    public const string Section = "Reports";

    /// <summary>The widest from..to span a report accepts; a wider one is rejected with 400 naming <c>from</c>.</summary>
    public TimeSpan MaxRange { get; set; } = TimeSpan.FromDays(31);

    /// <summary>The largest <c>limit</c> (rows of a top list or a page of raw lines).</summary>
    public int MaxLimit { get; set; } = 1000;

    /// <summary>The most buckets a time series may have (span / step).</summary>
    public int MaxBuckets { get; set; } = 1440;

    /// <summary>How long one report query may run before it is cancelled.</summary>
    public TimeSpan QueryTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How much memory each replica may give to report slices' rows read before (<see cref="Held.SliceRowCache"/>);
    /// 0 turns it off. A day's paths at 10M rows a day take ~10 MB per scope read.
    /// </summary>
    public int SliceCacheMegabytes { get; set; } = 256;

    /// <summary>
    /// How much memory each replica may give to day client sets read before (<see cref="Held.DayClientsCache"/>), which
    /// the summary's visitors then count from; 0 turns it off. A day of 50,000 clients in one scope takes ~2.6 MB.
    /// </summary>
    public int DayClientsCacheMegabytes { get; set; } = 256;

    /// <summary>
    /// The rolling ranges (durations back from now, comma-separated: the dashboard's presets) whose slice rows and day
    /// sets each replica reads ahead, for the whole site and for the vhost/host filters asked for in the last day, so a
    /// replica's first call for one of them is answered from memory too (<see cref="Held.HeldAhead"/>). Empty: off.
    /// </summary>
    public string HoldAheadRanges { get; set; } = "15m,1h,6h,24h";

    /// <summary>How often the ranges held ahead are looked at again (new slices, new folds).</summary>
    public TimeSpan HoldAheadInterval { get; set; } = TimeSpan.FromSeconds(30);
}
