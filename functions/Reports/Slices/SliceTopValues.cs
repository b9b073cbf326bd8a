namespace NginxPulse.Functions.Reports.Slices;

/// <summary>One value's key within a slice: its scope ('' and '' for the whole site) and the value (null is a value too).</summary>
public readonly record struct SliceKey(string Vhost, string Host, string? Value);

/// <summary>
/// What a slice keeps of one dimension and scope: every value when there are at most K, else the top K by requests
/// (for paths also the top K by errors and the top K by p95, so the errors and slowest reports find theirs) and a rest
/// that sums the others and remembers the largest request and error counts among them (the error bound).
/// </summary>
public sealed record SliceTopValues(IReadOnlyList<KeyValuePair<SliceKey, SliceValue>> Kept, SliceValue? Rest, long DroppedMaxRequests, long DroppedMaxErrors)
{
    public static SliceTopValues Of(IReadOnlyCollection<KeyValuePair<SliceKey, SliceValue>> values, int topValues, bool byErrorsAndLatency)
    {
        var byRequests = values.OrderByDescending(v => v.Value.Requests).ThenBy(v => v.Key.Value, StringComparer.Ordinal).ToList();
        if (byRequests.Count <= topValues) return new SliceTopValues(byRequests, null, 0, 0);

        var kept = new HashSet<SliceKey>(byRequests.Take(topValues).Select(v => v.Key));
        if (byErrorsAndLatency)
        {
            kept.UnionWith(values.Where(v => v.Value.Errors > 0).OrderByDescending(v => v.Value.Errors)
                .ThenBy(v => v.Key.Value, StringComparer.Ordinal).Take(topValues).Select(v => v.Key));
            kept.UnionWith(values.Select(v => (v.Key, P95: v.Value.P95)).Where(v => v.P95 is not null).OrderByDescending(v => v.P95)
                .ThenBy(v => v.Key.Value, StringComparer.Ordinal).Take(topValues).Select(v => v.Key));
        }
        var rest = new SliceValue();
        long maxRequests = 0, maxErrors = 0;
        foreach (var (key, value) in byRequests)
        {
            if (kept.Contains(key)) continue;
            rest.Add(value);
            maxRequests = Math.Max(maxRequests, value.Requests);
            maxErrors = Math.Max(maxErrors, value.Errors);
        }
        return new SliceTopValues(byRequests.Where(v => kept.Contains(v.Key)).ToList(), rest, maxRequests, maxErrors);
    }
}
