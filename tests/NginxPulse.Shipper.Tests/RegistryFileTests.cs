using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using NginxPulse.Shipper.Registry;
using Xunit;

namespace NginxPulse.Shipper.Tests;

/// <summary>The registry file's format (README, "Files, rotation and the registry"): what one agent writes, the next one reads.</summary>
public sealed class RegistryFileTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "np-registry-" + Guid.NewGuid().ToString("N")[..10]);

    [Fact]
    public async Task The_registry_is_written_in_the_documented_format_and_reads_back_unchanged()
    {
        var seen = new DateTime(2026, 11, 21, 12, 0, 1, 900, DateTimeKind.Utc);
        RegistryEntry[] entries =
        [
            new("2049:7:bbbb", "/var/log/nginx/b.log", 100, seen),
            new("2049:5:aaaa", "/var/log/nginx/a.log", 8192, seen.AddSeconds(-1)),
        ];
        var content = RegistryFile.Serialize(entries);

        using (var doc = JsonDocument.Parse(content))
        {
            var root = doc.RootElement;
            Assert.Equal(["version", "savedAt", "files"], root.EnumerateObject().Select(p => p.Name));
            Assert.Equal(RegistryFile.CurrentVersion, root.GetProperty("version").GetInt32());
            Assert.Equal(DateTimeKind.Utc, root.GetProperty("savedAt").GetDateTime().Kind);
            var files = root.GetProperty("files").EnumerateArray().ToList();
            Assert.Equal(["/var/log/nginx/a.log", "/var/log/nginx/b.log"], files.Select(f => f.GetProperty("path").GetString()));
            Assert.All(files, f => Assert.Equal(["fileId", "path", "offset", "lastSeen"], f.EnumerateObject().Select(p => p.Name)));
        }
        Assert.Contains((byte)'\n', content);   // indented: an operator reads it

        var file = new RegistryFile(Path.Combine(directory, "registry.json"), NullLogger.Instance);
        await file.SaveAsync(content, CancellationToken.None);
        var (outcome, read) = file.Load();
        Assert.Equal(RegistryLoadOutcome.Restored, outcome);
        Assert.Equal(entries.OrderBy(e => e.Path, StringComparer.Ordinal), read);
    }

    public void Dispose()
    {
        try { Directory.Delete(directory, recursive: true); }
        catch (DirectoryNotFoundException) { }
    }
}
