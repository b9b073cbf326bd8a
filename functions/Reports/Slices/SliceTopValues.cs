namespace NginxPulse.Functions.Reports.Slices;

/// <summary>One value's key within a slice: its scope ('' and '' for the whole site) and the value (null is a value too).</summary>
public readonly record struct SliceKey(string Vhost, string Host, string? Value);

/// <summary>Which rankings of a slice a kept value is in (report_slice_value.ranks).</summary>
[Flags]
public enum SliceRanks
{
    Requests = 1,
    Errors = 2,
    Latency = 4,
    All = Requests | Errors | Latency,
}

/// <summary>
/// What a slice keeps of one dimension and scope: every value when there are at most K, else the top K by requests
/// (for paths also the top K by errors and the top K by p95, so the errors and slowest reports find theirs), each with
/// the rankings it is in, and a rest summing the values in none. The bounds are the largest request count outside the
/// requests ranking and the largest error count outside the errors ranking: the most a count read from a ranking misses.
/// </summary>
public sealed record SliceTopValues(IReadOnlyList<(SliceKey Key, SliceValue Value, SliceRanks Ranks)> Kept, SliceValue? Rest, long DroppedMaxRequests, long DroppedMaxErrors)
{
    public static SliceTopValues Of(IReadOnlyCollection<KeyValuePair<SliceKey, SliceValue>> values, int topValues, bool byErrorsAndLatency)
    {
        var byRequests = values.OrderByDescending(v => v.Value.Requests).ThenBy(v => v.Key.Value, StringComparer.Ordinal).ToList();
        if (byRequests.Count <= topValues) return new SliceTopValues(byRequests.Select(v => (v.Key, v.Value, SliceRanks.All)).ToList(), null, 0, 0);

        var ranks = new Dictionary<SliceKey, SliceRanks>();
        void Rank(IEnumerable<KeyValuePair<SliceKey, SliceValue>> ranking, SliceRanks rank)
        {
            foreach (var (key, _) in ranking.Take(topValues)) ranks[key] = ranks.GetValueOrDefault(key) | rank;
        }
        Rank(byRequests, SliceRanks.Requests);
        var byErrors = values.OrderByDescending(v => v.Value.Errors).ThenBy(v => v.Key.Value, StringComparer.Ordinal).ToList();
        if (byErrorsAndLatency)
        {
            Rank(byErrors.Where(v => v.Value.Errors > 0), SliceRanks.Errors);
            Rank(values.Select(v => (Value: v, P95: v.Value.P95)).Where(v => v.P95 is not null).OrderByDescending(v => v.P95)
                .ThenBy(v => v.Value.Key.Value, StringComparer.Ordinal).Select(v => v.Value), SliceRanks.Latency);
        }
        var rest = new SliceValue();
        foreach (var (key, value) in byRequests)
            if (!ranks.ContainsKey(key)) rest.Add(value);
        return new SliceTopValues(
            byRequests.Where(v => ranks.ContainsKey(v.Key)).Select(v => (v.Key, v.Value, ranks[v.Key])).ToList(),
            rest,
            byRequests[topValues].Value.Requests,
            byErrors.Count > topValues ? byErrors[topValues].Value.Errors : 0);
    }
}
