using System.Text.Json;

namespace NginxPulse.Shipper.Tests.Support;

/// <summary>The registry file as another process sees it on disk.</summary>
public static class RegistrySnapshot
{
    /// <summary>fileId → acknowledged offset; empty when there is no registry yet.</summary>
    public static IReadOnlyDictionary<string, long> Read(string path)
    {
        if (!File.Exists(path)) return new Dictionary<string, long>();
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        return doc.RootElement.GetProperty("files").EnumerateArray()
            .ToDictionary(f => f.GetProperty("fileId").GetString()!, f => f.GetProperty("offset").GetInt64());
    }
}
