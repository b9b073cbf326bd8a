using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using NginxPulse.Shipper.Configuration;

namespace NginxPulse.Shipper.Registry;

/// <summary>Every known file identity with its acknowledged offset; loaded at start-up and saved on an interval and at shutdown.</summary>
public sealed class FileRegistry
{
    private readonly ConcurrentDictionary<string, FileState> files = new(StringComparer.Ordinal);
    private readonly RegistryFile file;
    private readonly RegistryOptions options;
    private readonly ILogger<FileRegistry> logger;
    private readonly SemaphoreSlim saving = new(1, 1);
    private (string, string, long)[] lastSaved = [];

    public FileRegistry(ShipperOptions options, ILogger<FileRegistry> logger)
    {
        this.options = options.Registry;
        this.logger = logger;
        file = new RegistryFile(options.Registry.Path, logger);
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file.Path)!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ShipperConfigurationException($"Registry:Path {file.Path}: cannot create its directory ({e.Message})");
        }
        (Outcome, var entries) = file.Load();
        foreach (var e in entries)
            files[e.FileId] = new FileState(e.FileId, e.Path, e.Offset) { LastSeenUtc = e.LastSeenUtc };
        if (Outcome == RegistryLoadOutcome.Restored)
            logger.LogInformation("Registry {Registry}: resuming {Files} file(s)", file.Path, files.Count);
        lastSaved = Snapshot().Select(Key).ToArray();
    }

    public RegistryLoadOutcome Outcome { get; }

    public string Path => file.Path;

    public IEnumerable<FileState> Files => files.Values;

    public FileState? Find(string fileId) => files.GetValueOrDefault(fileId);

    public FileState Add(FileState state) => files.GetOrAdd(state.FileId, state);

    public void Replace(FileState state) => files[state.FileId] = state;

    public bool KnowsInode(ulong device, ulong inode, out string? fileId)
    {
        fileId = files.Keys.FirstOrDefault(id => FileState.InodeOf(id) == (device, inode));
        return fileId is not null;
    }

    public async Task SaveAsync(CancellationToken cancellationToken)
    {
        await saving.WaitAsync(cancellationToken);
        try
        {
            Forget(DateTime.UtcNow);
            var entries = Snapshot();
            var keys = entries.Select(Key).ToArray();
            if (keys.SequenceEqual(lastSaved)) return;
            await file.SaveAsync(RegistryFile.Serialize(entries), cancellationToken);
            lastSaved = keys;
        }
        catch (IOException e)
        {
            logger.LogError("Cannot save the registry {Registry}: {Reason}; retrying at the next interval", file.Path, e.Message);
        }
        finally
        {
            saving.Release();
        }
    }

    private List<RegistryEntry> Snapshot() =>
        files.Values.Select(f => new RegistryEntry(f.FileId, f.Path, f.Acks.AckedOffset, f.LastSeenUtc))
            .OrderBy(e => e.FileId, StringComparer.Ordinal).ToList();

    private static (string, string, long) Key(RegistryEntry e) => (e.FileId, e.Path, e.Offset);

    private void Forget(DateTime now)
    {
        foreach (var state in files.Values)
        {
            if (state.IsOpen || state.Acks.InFlight > 0) continue;
            if (state.IsGone || now - state.LastSeenUtc > options.ForgetAfter) files.TryRemove(state.FileId, out _);
        }
    }
}
