using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;

namespace NginxPulse.Shipper.Registry;

/// <summary>One saved file identity: the offset up to which Kafka acknowledged every line.</summary>
public sealed record RegistryEntry(
    [property: JsonPropertyName("fileId")] string FileId,
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("offset")] long Offset,
    [property: JsonPropertyName("lastSeen")] DateTime LastSeenUtc);

public sealed record RegistryDocument(
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("savedAt")] DateTime SavedAtUtc,
    [property: JsonPropertyName("files")] IReadOnlyList<RegistryEntry> Files);

public enum RegistryLoadOutcome { Restored, Missing, Corrupt }

/// <summary>
/// The registry on disk. Saved atomically: a sibling temp file is written and fsynced, renamed over the registry,
/// and the directory fsynced, so a crash leaves the old or the new registry, never a torn one. A registry that
/// cannot be read is moved aside (never deleted) and the agent starts as if there were none.
/// </summary>
public sealed partial class RegistryFile(string path, ILogger logger)
{
    public const int CurrentVersion = 1;

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public (RegistryLoadOutcome Outcome, IReadOnlyList<RegistryEntry> Entries) Load()
    {
        if (!File.Exists(Path))
        {
            logger.LogWarning("No registry at {Registry}: first start (or it was removed); files are read from each input's StartAt position", Path);
            return (RegistryLoadOutcome.Missing, []);
        }
        try
        {
            var doc = JsonSerializer.Deserialize(File.ReadAllBytes(Path), ShipperJsonContext.Default.RegistryDocument)
                ?? throw new JsonException("the registry is null");
            if (doc.Version != CurrentVersion) throw new JsonException($"registry version {doc.Version} is not {CurrentVersion}");
            if (doc.Files is null || doc.Files.Any(f => f?.FileId is null || f.Path is null || f.Offset < 0))
                throw new JsonException("an entry lacks fileId or path, or has a negative offset");
            return (RegistryLoadOutcome.Restored, doc.Files);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            var aside = $"{Path}.corrupt-{DateTime.UtcNow:yyyyMMddTHHmmssfffZ}";
            File.Move(Path, aside);
            logger.LogWarning("Registry {Registry} is unreadable ({Reason}); moved it to {Aside} and starting without it: files are read from each input's StartAt position (from the beginning, lines already shipped are sent again with the same ids and deduplicated by the ingest)",
                Path, e.Message, aside);
            return (RegistryLoadOutcome.Corrupt, []);
        }
    }

    public async Task SaveAsync(byte[] content, CancellationToken cancellationToken)
    {
        var directory = System.IO.Path.GetDirectoryName(Path)!;
        Directory.CreateDirectory(directory);
        var temp = $"{Path}.tmp";
        await using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.None))
        {
            await stream.WriteAsync(content, cancellationToken);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, Path, overwrite: true);
        SyncDirectory(directory);
    }

    public static byte[] Serialize(IEnumerable<RegistryEntry> entries) =>
        JsonSerializer.SerializeToUtf8Bytes(new RegistryDocument(CurrentVersion, DateTime.UtcNow, entries.OrderBy(e => e.Path, StringComparer.Ordinal).ThenBy(e => e.FileId, StringComparer.Ordinal).ToList()), RegistryWriterJsonContext.Default.RegistryDocument);

    // The rename is durable only once the directory entry is on disk.
    private static void SyncDirectory(string directory)
    {
        var fd = open(directory, 0 /* O_RDONLY */);
        if (fd < 0) return;
        fsync(fd);
        close(fd);
    }

    // Source-generated marshalling: precompiled with the rest of the agent, where DllImport needs a stub compiled at run time.
    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fsync(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);
}
