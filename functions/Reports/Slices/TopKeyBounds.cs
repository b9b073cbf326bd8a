namespace NginxPulse.Functions.Reports.Slices;

/// <summary>A value's 64-bit key (<see cref="Storage.ClientHash"/>); a null hash is the null value.</summary>
public readonly record struct ValueKey(ulong? Hash);

/// <summary>
/// Which value keys can still be ranked within a top list's limit, from only the first <see cref="Depth"/> rows of each
/// slice read and the <see cref="Depth"/> largest raw sums (a threshold algorithm). A slice stores its values by
/// requests, most first (row_no), and a ranked count never exceeds a row's requests, so a value not among a slice's
/// first rows counts at most the requests of its row <see cref="Depth"/> there (0 when the slice has fewer rows); a
/// value not among the raw sums read counts at most the smallest of them. Every key's total then lies between what was
/// read of it (low) and that plus the bounds of the parts where it was not read (high). The <c>limit</c>-th largest low
/// total T is at most the true <c>limit</c>-th total, so a key whose high total is below T cannot rank, ties included;
/// when the bounds of all parts sum below T, no key missing from every read can either. The keys left (the candidates)
/// are then summed exactly: ranking them gives the answer of ranking every key.
/// </summary>
public sealed class TopKeyBounds(int depth)
{
    private readonly Dictionary<ValueKey, long> _low = [];
    private readonly HashSet<(ValueKey Key, SliceId Part)> _read = [];
    private readonly Dictionary<SliceId, long> _partBounds = [];
    private readonly HashSet<ValueKey> _rawRead = [];
    private int _rawRows;
    private long _rawSmallest;

    public int Depth { get; } = depth;

    /// <param name="rowNo">The row's place in its slice (1 = most requests); rows 1 to <see cref="Depth"/> of every slice read.</param>
    /// <param name="ranked">The row's count that ranks; null when the row is not counted (another ranking, filtered out).</param>
    public void AddSliceRow(SliceId part, int rowNo, long requests, ValueKey key, long? ranked)
    {
        if (rowNo == Depth) _partBounds[part] = requests;
        _read.Add((key, part));
        if (ranked is { } count) _low[key] = _low.GetValueOrDefault(key) + count;
        else _low.TryAdd(key, 0);
    }

    /// <summary>One of the <see cref="Depth"/> largest raw sums, in any order.</summary>
    public void AddRawSum(ValueKey key, long ranked)
    {
        _rawSmallest = _rawRows == 0 ? ranked : Math.Min(_rawSmallest, ranked);
        _rawRows++;
        _rawRead.Add(key);
        _low[key] = _low.GetValueOrDefault(key) + ranked;
    }

    /// <summary>The keys that can rank within <paramref name="limit"/>; null when the rows read cannot tell (read deeper, or every row).</summary>
    public IReadOnlyList<ValueKey>? Candidates(int limit)
    {
        if (_low.Count < limit) return null;
        var threshold = _low.Values.OrderDescending().ElementAt(limit - 1);
        var rawBound = _rawRows == Depth ? _rawSmallest : 0;
        var unread = _partBounds.Values.Sum() + rawBound;
        if (threshold == 0 || unread >= threshold) return null;
        var readBounds = new Dictionary<ValueKey, long>();
        foreach (var (key, part) in _read)
            readBounds[key] = readBounds.GetValueOrDefault(key) + _partBounds.GetValueOrDefault(part);
        return _low.Where(k => k.Value + unread - readBounds.GetValueOrDefault(k.Key) - (_rawRead.Contains(k.Key) ? rawBound : 0) >= threshold)
            .Select(k => k.Key).ToList();
    }
}
