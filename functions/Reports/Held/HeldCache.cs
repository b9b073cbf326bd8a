using System.Collections.Concurrent;

namespace NginxPulse.Functions.Reports.Held;

/// <summary>
/// Stored rows this replica has read once and keeps in memory, each for the version a reader's snapshot found (a slice's
/// build, a day set's folds): rows of one version never change, so an entry answers without invalidation, and a reader
/// whose snapshot finds another version misses. A reader that misses answers from the database and asks for the entries
/// to be read: one at a time, in the background, each in its own snapshot with the version it must match, so no caller
/// pays for reading them. The least recently used entries go first once their bytes reach the capacity; 0 turns it off.
/// </summary>
public abstract class HeldCache<TKey, TVersion, TValue> : IDisposable
    where TKey : notnull
    where TVersion : IEquatable<TVersion>
    where TValue : class
{
    private readonly ILogger _logger;
    private readonly long _capacityBytes;
    private readonly Lock _gate = new();
    private readonly Dictionary<TKey, LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _recency = new();   // most recently used first
    private readonly ConcurrentDictionary<TKey, Task> _filling = new();
    private readonly SemaphoreSlim _oneFillAtATime = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private long _bytes;

    /// <param name="capacityBytes">At most this many bytes are held; 0: none.</param>
    protected HeldCache(long capacityBytes, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacityBytes);
        _capacityBytes = capacityBytes;
        _logger = logger;
    }

    public bool Enabled => _capacityBytes > 0;

    /// <summary>The entries held and about how many bytes they take.</summary>
    public (int Entries, long Bytes) Size
    {
        get
        {
            lock (_gate) return (_entries.Count, _bytes);
        }
    }

    /// <summary>Whether what is held takes over three quarters of the capacity (reading more ahead would start evicting).</summary>
    public bool NearlyFull
    {
        get
        {
            lock (_gate) return _bytes * 4 > _capacityBytes * 3;
        }
    }

    /// <summary>Every key's value for the version given, in the order given; null unless all are held.</summary>
    public TValue[]? TryGetAll(IReadOnlyList<(TKey Key, TVersion Version)> keys) =>
        Enabled && Lookup(keys, out var values) is { Count: 0 } ? values : null;

    /// <summary>
    /// As <see cref="TryGetAll"/>, but up to <paramref name="readAtMost"/> keys not held, each one
    /// <paramref name="readNow"/> allows, are read by <paramref name="read"/> (the caller's snapshot, where their version
    /// is the one given) and held: a range that moved on by a new slice or two need not miss. Null when more are missing.
    /// </summary>
    public async Task<TValue[]?> GetAllAsync(IReadOnlyList<(TKey Key, TVersion Version)> keys, int readAtMost, Func<TKey, bool> readNow, Func<TKey, Task<TValue>> read)
    {
        if (!Enabled) return null;
        var missing = Lookup(keys, out var values);
        if (missing.Count > readAtMost || !missing.All(i => readNow(keys[i].Key))) return null;
        foreach (var i in missing)
        {
            values[i] = await read(keys[i].Key);
            Store(keys[i].Key, keys[i].Version, values[i]);
        }
        return values;
    }

    /// <summary>Fills <paramref name="values"/> with the keys held for their version (marked used); returns the indexes of the others.</summary>
    private List<int> Lookup(IReadOnlyList<(TKey Key, TVersion Version)> keys, out TValue[] values)
    {
        values = new TValue[keys.Count];
        var missing = new List<int>();
        lock (_gate)
            for (var i = 0; i < keys.Count; i++)
            {
                if (!_entries.TryGetValue(keys[i].Key, out var node) || !node.Value.Version.Equals(keys[i].Version))
                {
                    missing.Add(i);
                    continue;
                }
                values[i] = node.Value.Value;
                _recency.Remove(node);
                _recency.AddFirst(node);
            }
        return missing;
    }

    /// <summary>Starts reading, in the background, the keys not held for the version given (and not being read).</summary>
    public void RequestFill(IReadOnlyList<(TKey Key, TVersion Version)> keys)
    {
        if (!Enabled || _stopping.IsCancellationRequested) return;
        foreach (var (key, version) in keys)
        {
            lock (_gate)
                if (_entries.TryGetValue(key, out var node) && node.Value.Version.Equals(version)) continue;
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!_filling.TryAdd(key, done.Task)) continue;
            _ = Task.Run(async () =>
            {
                try
                {
                    await FillAsync(key, version, _stopping.Token);
                }
                finally
                {
                    _filling.TryRemove(key, out _);
                    done.SetResult();
                }
            });
        }
    }

    /// <summary>Completes once nothing is being read (tests and benchmarks: the warm state, deterministically).</summary>
    public async Task WhenIdleAsync()
    {
        while (!_filling.IsEmpty) await Task.WhenAll(_filling.Values);
    }

    /// <summary>The stored rows of <paramref name="key"/> in one snapshot; null when its stored version there is not <paramref name="version"/>.</summary>
    protected abstract Task<TValue?> ReadAsync(TKey key, TVersion version, CancellationToken ct);

    /// <summary>About how many bytes <paramref name="value"/> takes in memory.</summary>
    protected abstract long BytesOf(TValue value);

    private async Task FillAsync(TKey key, TVersion version, CancellationToken ct)
    {
        try
        {
            await _oneFillAtATime.WaitAsync(ct);
            try
            {
                if (await ReadAsync(key, version, ct) is { } value) Store(key, version, value);
                else _logger.LogDebug("{Key} changed from {Version} before it was read; not held", key, version);
            }
            finally
            {
                _oneFillAtATime.Release();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // The reader that asked answered from the database; the next one asks again.
            _logger.LogWarning(e, "Reading {Key} ({Version}) to hold in memory failed", key, version);
        }
    }

    private void Store(TKey key, TVersion version, TValue value)
    {
        var bytes = 200 + BytesOf(value);
        if (bytes > _capacityBytes) return;
        lock (_gate)
        {
            if (_entries.Remove(key, out var old)) Drop(old);
            _entries[key] = _recency.AddFirst(new Entry(key, version, value, bytes));
            _bytes += bytes;
            while (_bytes > _capacityBytes)
            {
                var last = _recency.Last!;
                _entries.Remove(last.Value.Key);
                Drop(last);
            }
        }
    }

    private void Drop(LinkedListNode<Entry> node)
    {
        _recency.Remove(node);
        _bytes -= node.Value.Bytes;
    }

    /// <summary>
    /// Stops the reads in flight. The token source and the semaphore stay undisposed: a read still unwinding uses them,
    /// and neither holds a timer or a wait handle.
    /// </summary>
    public void Dispose()
    {
        _stopping.Cancel();
        GC.SuppressFinalize(this);
    }

    private sealed record Entry(TKey Key, TVersion Version, TValue Value, long Bytes);
}
