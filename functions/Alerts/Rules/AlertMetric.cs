namespace NginxPulse.Functions.Alerts.Rules;

public enum AlertMetric
{
    Requests,
    Bandwidth,
    Status2xx,
    Status3xx,
    Status4xx,
    Status5xx,
    Ratio2xx,
    Ratio3xx,
    Ratio4xx,
    Ratio5xx,
    LatencyP50,
    LatencyP95,
    LatencyP99,
    UniqueClients,
    TopClientShare,
    HostSilence,
}

/// <summary>The rules-file names of the metrics and what each one needs to be computed.</summary>
public static class AlertMetrics
{
    private static readonly Dictionary<string, AlertMetric> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["requests"] = AlertMetric.Requests,
        ["bandwidth"] = AlertMetric.Bandwidth,
        ["status_2xx"] = AlertMetric.Status2xx,
        ["status_3xx"] = AlertMetric.Status3xx,
        ["status_4xx"] = AlertMetric.Status4xx,
        ["status_5xx"] = AlertMetric.Status5xx,
        ["ratio_2xx"] = AlertMetric.Ratio2xx,
        ["ratio_3xx"] = AlertMetric.Ratio3xx,
        ["ratio_4xx"] = AlertMetric.Ratio4xx,
        ["ratio_5xx"] = AlertMetric.Ratio5xx,
        ["latency_p50"] = AlertMetric.LatencyP50,
        ["latency_p95"] = AlertMetric.LatencyP95,
        ["latency_p99"] = AlertMetric.LatencyP99,
        ["unique_clients"] = AlertMetric.UniqueClients,
        ["top_client_share"] = AlertMetric.TopClientShare,
        ["host_silence"] = AlertMetric.HostSilence,
    };

    public static IEnumerable<string> Names => ByName.Keys;

    public static bool TryParse(string name, out AlertMetric metric) => ByName.TryGetValue(name, out metric);

    public static string NameOf(AlertMetric metric) => ByName.First(kv => kv.Value == metric).Key;

    /// <summary>The status class (2..5) a count or ratio metric is about; null for the others.</summary>
    public static int? StatusClass(AlertMetric metric) => metric switch
    {
        AlertMetric.Status2xx or AlertMetric.Ratio2xx => 2,
        AlertMetric.Status3xx or AlertMetric.Ratio3xx => 3,
        AlertMetric.Status4xx or AlertMetric.Ratio4xx => 4,
        AlertMetric.Status5xx or AlertMetric.Ratio5xx => 5,
        _ => null,
    };

    public static bool IsRatio(AlertMetric metric) => metric is AlertMetric.Ratio2xx or AlertMetric.Ratio3xx or AlertMetric.Ratio4xx or AlertMetric.Ratio5xx;

    /// <summary>A count can be zero when nothing was stored; the other metrics have no value without samples.</summary>
    public static bool IsCount(AlertMetric metric) => metric is AlertMetric.Requests or AlertMetric.Bandwidth
        or AlertMetric.Status2xx or AlertMetric.Status3xx or AlertMetric.Status4xx or AlertMetric.Status5xx or AlertMetric.UniqueClients;

    public static string Unit(AlertMetric metric) => metric switch
    {
        AlertMetric.Bandwidth => "bytes",
        AlertMetric.LatencyP50 or AlertMetric.LatencyP95 or AlertMetric.LatencyP99 => "ms",
        AlertMetric.HostSilence => "s",
        _ when IsRatio(metric) || metric == AlertMetric.TopClientShare => "ratio",
        _ => "",
    };
}
