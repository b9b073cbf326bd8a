namespace NginxPulse.Functions.Reports.Slices;

/// <summary>Counts summed per value of a top list (null is a value too), in no order.</summary>
public sealed class ValueSums(int counts)
{
    private readonly Dictionary<string, long[]> _sums = new(StringComparer.Ordinal);
    private long[]? _nullSums;

    /// <summary>How many counts each value has.</summary>
    public int Counts => counts;

    /// <summary>The sums of <paramref name="value"/>, to add to.</summary>
    public long[] Of(string? value)
    {
        if (value is null) return _nullSums ??= new long[counts];
        if (!_sums.TryGetValue(value, out var sums)) _sums[value] = sums = new long[counts];
        return sums;
    }

    public void Add(string? value, long[] values)
    {
        var sums = Of(value);
        for (var i = 0; i < values.Length; i++) sums[i] += values[i];
    }

    public List<KeyValuePair<string?, long[]>> ToList()
    {
        var all = _sums.Select(kv => new KeyValuePair<string?, long[]>(kv.Key, kv.Value)).ToList();
        if (_nullSums is not null) all.Add(new(null, _nullSums));
        return all;
    }
}
