using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;
using NginxPulse.Shipper.Events;
using NginxPulse.Shipper.Kafka;
using NginxPulse.Shipper.Metrics;
using NginxPulse.Shipper.Registry;

namespace NginxPulse.Shipper.Files;

/// <summary>Why a reader stopped.</summary>
public enum TailEnd { Stopped, EndOfFile, Deleted, Truncated, RenamedAway }

/// <summary>
/// Reads one open file from its resume offset: complete lines only (a partial last line waits for its newline),
/// lines longer than the input's maximum cut and flagged, every line produced as one event, the events of one read
/// produced together. At the end of the file it checks whether the file was truncated (copytruncate), replaced,
/// deleted or renamed away.
/// </summary>
public sealed class FileTail : IAsyncDisposable
{
    private const int ReadChunk = 64 * 1024;

    private readonly FileState state;
    private readonly FileIdentity identity;
    private readonly SafeFileHandle handle;
    private SafeFileHandle? copy;   // after copytruncate: the rotated copy that still holds the unread old lines
    private readonly TailContext context;
    private readonly bool stopAtEndOfFile;
    private readonly CancellationTokenSource stop;
    private readonly EventBatch batch = new();
    private readonly EventJson json;
    private Input? batchInput;   // the input the batch's events were written for
    private volatile Input input;
    private byte[] buffer = ArrayPool<byte>.Shared.Rent(ReadChunk);
    private int filled;          // bytes in buffer[0..filled) not yet shipped
    private long bufferStart;    // file offset of buffer[0]
    private long readOffset;     // next file byte to read
    private bool skipping;       // inside a line longer than the maximum: buffer[0..hugeLineKept) holds its start
    private long hugeLineStart;
    private int hugeLineKept;    // the maximum when the line began (a reload may change it meanwhile)
    private DateTime lastGrowthUtc = DateTime.UtcNow;
    private DateTime readUtc;    // when the bytes being shipped were read: the events' read time (one clock call per read, not per line)
    private DateTime? deletedSinceUtc;
    private Task? running;

    public FileTail(FileState state, FileIdentity identity, SafeFileHandle handle, Input input, TailContext context, bool stopAtEndOfFile, CancellationToken shutdown)
    {
        this.state = state;
        this.identity = identity;
        this.handle = handle;
        this.input = input;
        this.context = context;
        this.stopAtEndOfFile = stopAtEndOfFile;
        stop = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
        json = new EventJson(context.Host, JsonEncodedText.Encode(identity.Id, EventJson.Encoder), batch);
        bufferStart = readOffset = state.ResumeOffset;
        state.IsOpen = true;
    }

    private SafeFileHandle Reading => copy ?? handle;

    public FileState State => state;
    public Input Input => input;
    public bool IsCompleted => running?.IsCompleted == true;

    /// <summary>Bytes at the end of the file after the last complete line (shown by backfill).</summary>
    public long PendingBytes => readOffset - state.ResumeOffset;

    public Task Completion => running ?? Task.CompletedTask;

    public void Start() => running = Task.Run(() => RunAsync(stop.Token));

    /// <summary>The scanner found the file at <paramref name="path"/> matched by <paramref name="owner"/>.</summary>
    public void Seen(string path, Input owner)
    {
        state.Path = path;
        state.LastSeenUtc = DateTime.UtcNow;
        input = owner;
    }

    /// <summary>Stops reading now; lines already produced still complete their acknowledgements.</summary>
    public void Stop() => stop.Cancel();

    /// <summary>A deleted file is closed once read, or after the grace period even if Kafka keeps it from being read.</summary>
    public void EnforceDeletedGrace(DateTime now)
    {
        if (!FileStat.TryGet(handle, out var stat) || stat.Links > 0) return;
        deletedSinceUtc ??= now;
        if (now - deletedSinceUtc.Value < context.Options.DeletedFileGrace) return;
        var unread = stat.Size - state.ResumeOffset;
        if (unread > 0)
        {
            context.Metrics.Error();
            context.Logger.LogWarning("Closing deleted file {Path} ({FileId}) after {Grace:c} with {Unread} bytes not shipped (Kafka did not take them in time); its disk space is released",
                state.Path, identity.Id, context.Options.DeletedFileGrace, unread);
        }
        state.IsGone = true;
        Stop();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                if (await ReadAsync(cancellationToken)) { lastGrowthUtc = readUtc; continue; }
                var end = CheckAtEndOfFile();
                if (end is not null) { Finish(end.Value); return; }
                await Task.Delay(context.Options.PollInterval, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Finish(TailEnd.Stopped);
        }
        catch (IOException e)
        {
            context.Metrics.Error();
            context.Logger.LogError("Reading {Path} ({FileId}) failed at offset {Offset}: {Reason}; it is opened again at the next scan", state.Path, identity.Id, readOffset, e.Message);
            Finish(TailEnd.Stopped);
        }
    }

    private void Finish(TailEnd end)
    {
        if (end is TailEnd.Deleted or TailEnd.Truncated) state.IsGone = true;
        state.IsOpen = false;
    }

    private TailEnd? CheckAtEndOfFile()
    {
        if (!FileStat.TryGet(handle, out var stat)) return TailEnd.Deleted;
        state.Size = stat.Size;
        if (copy is not null) return TailEnd.Truncated;  // the copy is complete: the old content is done
        if (stat.Size < readOffset || FileIdentity.TryFingerprint(handle, context.Options.FingerprintBytes) != identity.Fingerprint)
        {
            if (TryFollowCopy()) return null;
            context.Logger.LogInformation("{Path} ({FileId}) was truncated or rewritten at offset {Offset} (copytruncate?); its new content is read as a new file",
                state.Path, identity.Id, readOffset);
            return TailEnd.Truncated;
        }
        if (stat.Links == 0)
        {
            context.Logger.LogInformation("{Path} ({FileId}) was deleted; read to its end and closed", state.Path, identity.Id);
            return TailEnd.Deleted;
        }
        if (stopAtEndOfFile) return TailEnd.EndOfFile;
        var atPath = FileStat.TryGet(state.Path, out var current) && current.Device == identity.Device && current.Inode == identity.Inode;
        if (!atPath && DateTime.UtcNow - lastGrowthUtc >= context.Options.CloseRenamedAfter)
        {
            context.Logger.LogInformation("{Path} ({FileId}) was renamed away and is idle; closed", state.Path, identity.Id);
            return TailEnd.RenamedAway;
        }
        return null;
    }

    /// <summary>
    /// copytruncate copies the file, then truncates it: lines written after our last read are only in the copy. The
    /// copy starts with the same first line, so it has the same fingerprint; read the rest of the old content from
    /// it, under the old identity and offsets, so nothing is skipped and nothing is sent twice.
    /// </summary>
    private bool TryFollowCopy()
    {
        var directory = System.IO.Path.GetDirectoryName(state.Path)!;
        var name = System.IO.Path.GetFileName(state.Path);
        IEnumerable<string> candidates;
        try { candidates = Directory.EnumerateFiles(directory, name + "?*").ToList(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
        foreach (var candidate in candidates)
        {
            if (!FileStat.TryGet(candidate, out var stat) || (stat.Device, stat.Inode) == (identity.Device, identity.Inode) || stat.Size < readOffset) continue;
            SafeFileHandle opened;
            try { opened = File.OpenHandle(candidate, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; }
            if (FileIdentity.TryFingerprint(opened, context.Options.FingerprintBytes) != identity.Fingerprint) { opened.Dispose(); continue; }
            context.Logger.LogInformation("{Path} ({FileId}) was truncated (copytruncate); reading its remaining lines from the copy {Copy} from offset {Offset}",
                state.Path, identity.Id, candidate, readOffset);
            copy = opened;
            return true;
        }
        return false;
    }

    /// <summary>Reads once and ships every complete line; false at the end of the file.</summary>
    private async ValueTask<bool> ReadAsync(CancellationToken cancellationToken)
    {
        if (skipping) return await SkipHugeLineAsync(hugeLineKept, cancellationToken);
        var max = input.MaxLineBytes;
        // After shipping, at most max bytes stay buffered (more means skipping), so this stays below twice max.
        if (filled == buffer.Length) Grow(buffer.Length * 2);
        var n = RandomAccess.Read(Reading, buffer.AsSpan(filled), readOffset);
        if (n == 0) return false;
        readUtc = DateTime.UtcNow;
        filled += n;
        readOffset += n;
        await ShipLinesAsync(max, cancellationToken);
        return true;
    }

    private async ValueTask ShipLinesAsync(int max, CancellationToken cancellationToken)
    {
        var start = 0;
        while (true)
        {
            var newline = buffer.AsSpan(start, filled - start).IndexOf((byte)'\n');
            if (newline < 0) break;
            var lineOffset = bufferStart + start;
            if (MustShipBeforeAdding()) await ShipBatchAsync(cancellationToken);
            Add(start, Math.Min(newline, max), lineOffset, lineOffset + newline + 1, newline > max);
            start += newline + 1;
        }
        await ShipBatchAsync(cancellationToken);
        if (start > 0)
        {
            Buffer.BlockCopy(buffer, start, buffer, 0, filled - start);
            filled -= start;
            bufferStart += start;
        }
        if (filled > max)
        {
            // Keep the line's first max bytes and drop the rest until its newline arrives.
            skipping = true;
            hugeLineStart = bufferStart;
            hugeLineKept = max;
            filled = max;
        }
    }

    private async ValueTask<bool> SkipHugeLineAsync(int max, CancellationToken cancellationToken)
    {
        if (buffer.Length < max + ReadChunk) Grow(max + ReadChunk);
        var n = RandomAccess.Read(Reading, buffer.AsSpan(max, ReadChunk), readOffset);
        if (n == 0) return false;
        readUtc = DateTime.UtcNow;
        var newline = buffer.AsSpan(max, n).IndexOf((byte)'\n');
        if (newline < 0) { readOffset += n; return true; }
        var end = readOffset + newline + 1;
        if (MustShipBeforeAdding()) await ShipBatchAsync(cancellationToken);
        Add(0, max, hugeLineStart, end, truncated: true);
        var rest = n - newline - 1;
        Buffer.BlockCopy(buffer, max + newline + 1, buffer, 0, rest);
        skipping = false;
        filled = rest;
        bufferStart = end;
        readOffset = end + rest;
        await ShipLinesAsync(max, cancellationToken);
        return true;
    }

    // A batch goes to one topic: a reload that changes the input ships what was written for the old one first.
    private bool MustShipBeforeAdding() => batch.IsFull || (batch.Count > 0 && !ReferenceEquals(input, batchInput));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // per line or batch: optimised from the first call, no tier-0 phase at the start of a backfill
    private void Add(int index, int length, long offset, long end, bool truncated)
    {
        batchInput = input;
        json.Write(state.Path, batchInput, offset, end, buffer.AsSpan(index, length), truncated, readUtc);
    }

    private async ValueTask ShipBatchAsync(CancellationToken cancellationToken)
    {
        if (batch.Count == 0) return;
        var topic = batchInput!.Topic;
        for (var from = 0; from < batch.Count;)
        {
            var sent = await context.Producer.SendAsync(topic, batch, from, state.Acks, cancellationToken);
            context.Metrics.AddRead(sent, batch.FileBytes(from, sent), batch.TruncatedLines(from, sent));
            from += sent;
            state.ResumeOffset = batch.Ends[from - 1];
        }
        batch.Clear();
    }

    private void Grow(int size)
    {
        var bigger = ArrayPool<byte>.Shared.Rent(size);
        Buffer.BlockCopy(buffer, 0, bigger, 0, filled);
        ArrayPool<byte>.Shared.Return(buffer);
        buffer = bigger;
    }

    public async ValueTask DisposeAsync()
    {
        stop.Cancel();
        await Completion;
        handle.Dispose();
        copy?.Dispose();
        stop.Dispose();
        ArrayPool<byte>.Shared.Return(buffer);
    }
}

/// <summary>What every reader shares.</summary>
public sealed record TailContext(Configuration.ShipperOptions Options, JsonEncodedText Host, LineProducer Producer, ShipperMetrics Metrics, ILogger Logger);
