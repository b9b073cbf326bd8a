using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;
using NginxPulse.Shipper.Configuration;
using NginxPulse.Shipper.Events;
using NginxPulse.Shipper.Files;
using NginxPulse.Shipper.Kafka;
using NginxPulse.Shipper.Metrics;
using NginxPulse.Shipper.Registry;

namespace NginxPulse.Shipper.Runtime;

/// <summary>
/// Finds the files of every input (polling the globs, so a new file is picked up within one scan interval), opens a
/// reader per file identity and closes readers whose file left every input. Inputs can be swapped while it runs.
/// </summary>
public sealed class LogShipper : IAsyncDisposable
{
    private readonly ShipperOptions options;
    private readonly FileRegistry registry;
    private readonly ILogger<LogShipper> logger;
    private readonly TailContext context;
    private readonly ConcurrentDictionary<(ulong Device, ulong Inode), FileTail> tails = new();
    private readonly Input[] startupInputs;
    private readonly HashSet<string> scannedInputs = new(StringComparer.Ordinal);
    private readonly Lock scanning = new();
    private readonly HashSet<string> unreadable = new(StringComparer.Ordinal);
    private volatile Input[] inputs;
    private CancellationToken shutdown;

    public LogShipper(ShipperOptions options, FileRegistry registry, LineProducer producer, ShipperMetrics metrics, ILogger<LogShipper> logger)
    {
        this.options = options;
        this.registry = registry;
        this.logger = logger;
        context = new TailContext(options, JsonEncodedText.Encode(options.Host, EventJson.Encoder), producer, metrics, logger);
        inputs = BuildInputs(options.Inputs);
        startupInputs = inputs;
    }

    public IReadOnlyList<Input> Inputs => inputs;

    public IEnumerable<FileTail> OpenTails => tails.Values;

    /// <summary>Replaces the inputs; files keep their identity and offsets, so nothing is lost or sent again.</summary>
    public void ApplyInputs(IReadOnlyList<InputOptions> next)
    {
        var current = inputs.ToDictionary(i => i.Signature, StringComparer.Ordinal);
        inputs = next.Select(o => new Input(o, options.Kafka.Topic)).Select(i => current.GetValueOrDefault(i.Signature) ?? i).ToArray();
        Scan();
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        shutdown = cancellationToken;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                Scan();
                await Task.Delay(options.ScanInterval, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        await StopAllAsync();
    }

    /// <summary>Ships the given files to their end (from the registry offset, else their start); false if one cannot be read.</summary>
    public async Task<bool> BackfillAsync(IReadOnlyList<string> paths, CancellationToken cancellationToken)
    {
        shutdown = cancellationToken;
        var ok = true;
        var opened = new List<FileTail>();
        foreach (var path in paths.Select(Path.GetFullPath))
        {
            var input = inputs.FirstOrDefault(i => i.Glob.Expand().Contains(path, StringComparer.Ordinal))
                ?? new Input(new InputOptions { Name = "backfill", Paths = [path] }, options.Kafka.Topic);
            if (!FileStat.TryGet(path, out var stat)) { logger.LogError("Cannot read {Path}: it does not exist or is not accessible", path); ok = false; continue; }
            var tail = TryOpen(path, input, stat, StartPosition.Beginning, stopAtEndOfFile: true);
            if (tail is null) logger.LogWarning("{Path} holds no complete line yet; nothing to ship", path);
            else { opened.Add(tail); tails[(stat.Device, stat.Inode)] = tail; }
        }
        await Task.WhenAll(opened.Select(t => t.Completion));
        foreach (var tail in opened)
            if (tail.PendingBytes > 0)
                logger.LogWarning("{Path}: the last {Bytes} bytes have no newline yet and were not shipped", tail.State.Path, tail.PendingBytes);
        return ok;
    }

    private void Scan()
    {
        lock (scanning)
        {
            if (shutdown.IsCancellationRequested) return;
            var now = DateTime.UtcNow;
            var claimed = new HashSet<string>(StringComparer.Ordinal);
            var seen = new HashSet<(ulong, ulong)>();
            foreach (var input in inputs)
            {
                var firstScan = scannedInputs.Add(input.Signature);
                // Files an input finds on its first scan start at StartAt — unless the registry was restored and the
                // input ran before, in which case an unknown file was created while the agent was down.
                var unknownStart = firstScan && !(registry.Outcome == RegistryLoadOutcome.Restored && startupInputs.Any(i => i.Signature == input.Signature))
                    ? input.StartAt : StartPosition.Beginning;
                foreach (var path in input.Glob.Expand())
                {
                    if (!claimed.Add(path) || !FileStat.TryGet(path, out var stat)) continue;
                    var key = (stat.Device, stat.Inode);
                    if (!seen.Add(key)) continue;
                    if (tails.TryGetValue(key, out var tail) && !tail.IsCompleted) { tail.Seen(path, input); continue; }
                    if (tail is not null && tails.TryRemove(key, out _)) _ = tail.DisposeAsync().AsTask();
                    var opened = TryOpen(path, input, stat, unknownStart, stopAtEndOfFile: false);
                    if (opened is not null) tails[key] = opened;
                }
            }
            foreach (var (key, tail) in tails)
            {
                if (tail.IsCompleted) { tails.TryRemove(key, out _); _ = tail.DisposeAsync().AsTask(); continue; }
                tail.EnforceDeletedGrace(now);
                if (seen.Contains(key)) continue;
                // Still at its path but no input wants it any more (removed by a reload): stop now. Renamed or
                // deleted files are left to finish on their own.
                if (FileStat.TryGet(tail.State.Path, out var at) && (at.Device, at.Inode) == key)
                {
                    logger.LogInformation("{Path} is no longer matched by any input; stopped at offset {Offset}", tail.State.Path, tail.State.ResumeOffset);
                    tail.Stop();
                }
            }
        }
    }

    private FileTail? TryOpen(string path, Input input, FileStat seenStat, StartPosition unknownStart, bool stopAtEndOfFile)
    {
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Said once per path: a file the agent may not read (permissions) would otherwise warn every scan.
            if (unreadable.Add(path)) logger.LogWarning("Cannot open {Path}: {Reason}; retrying at every scan", path, e.Message);
            return null;
        }
        unreadable.Remove(path);
        try
        {
            if (!FileStat.TryGet(handle, out var stat) || (stat.Device, stat.Inode) != (seenStat.Device, seenStat.Inode))
            {
                handle.Dispose();  // replaced between the scan and the open; the next scan sees the new file
                return null;
            }
            var fingerprint = FileIdentity.TryFingerprint(handle, options.FingerprintBytes);
            if (fingerprint is null) { handle.Dispose(); return null; }
            var identity = new FileIdentity(stat.Device, stat.Inode, fingerprint);
            var state = registry.Find(identity.Id);
            if (state is null)
            {
                if (registry.KnowsInode(stat.Device, stat.Inode, out var previous))
                    logger.LogInformation("{Path}: inode {Inode} was reused (the registry knew {Previous}); reading the new file {FileId} from its start", path, stat.Inode, previous, identity.Id);
                var start = unknownStart == StartPosition.End ? LineBoundary.LastBefore(handle, stat.Size) : 0;
                state = registry.Add(new FileState(identity.Id, path, start) { Size = stat.Size });
                logger.LogInformation("Reading {Path} ({FileId}) from offset {Offset}", path, identity.Id, start);
            }
            else
            {
                if (stat.Size < state.ResumeOffset)
                {
                    logger.LogWarning("{Path} ({FileId}) is shorter ({Size} bytes) than its registry offset {Offset}; reading it from its start", path, identity.Id, stat.Size, state.ResumeOffset);
                    state = new FileState(identity.Id, path, 0);
                    registry.Replace(state);
                }
                state.Path = path;
                state.IsGone = false;
                logger.LogInformation("Resuming {Path} ({FileId}) at offset {Offset}", path, identity.Id, state.ResumeOffset);
            }
            var tail = new FileTail(state, identity, handle, input, context, stopAtEndOfFile, shutdown);
            tail.Start();
            return tail;
        }
        catch (IOException e)
        {
            handle.Dispose();
            logger.LogWarning("Cannot read {Path}: {Reason}; retrying at the next scan", path, e.Message);
            return null;
        }
    }

    private Input[] BuildInputs(IEnumerable<InputOptions> configured) => configured.Select(o => new Input(o, options.Kafka.Topic)).ToArray();

    private async Task StopAllAsync()
    {
        foreach (var tail in tails.Values) tail.Stop();
        foreach (var tail in tails.Values) await tail.DisposeAsync();
        tails.Clear();
    }

    public async ValueTask DisposeAsync() => await StopAllAsync();
}
