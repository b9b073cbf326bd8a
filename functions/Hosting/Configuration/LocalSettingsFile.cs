using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;

namespace NginxPulse.Functions.Hosting.Configuration;

/// <summary>
/// local.settings.json `Values` as a configuration source, as Core Tools applies them: lowest precedence,
/// so environment variables and the command line win. Looked up in the app root, then the working directory.
/// </summary>
public static class LocalSettingsFile
{
    public const string FileName = "local.settings.json";

    public static string? Find(string appRoot)
    {
        foreach (var dir in new[] { appRoot, Directory.GetCurrentDirectory() })
        {
            var path = Path.Combine(dir, FileName);
            if (File.Exists(path)) return path;
        }
        return null;
    }

    /// <summary>Adds the Values of the file (if any) below every other source.</summary>
    public static void AddBelowOtherSources(IConfigurationBuilder configuration, string appRoot)
    {
        if (Find(appRoot) is not { } path) return;
        configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = ReadValues(path) });
    }

    public static IReadOnlyDictionary<string, string?> ReadValues(string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new FunctionAppConfigurationException($"{path} is not valid JSON: {ex.Message}");
        }
        using (document)
        {
            var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            if (document.RootElement.ValueKind != JsonValueKind.Object) return values;
            if (document.RootElement.TryGetProperty("IsEncrypted", out var encrypted) && encrypted.ValueKind == JsonValueKind.True)
                throw new FunctionAppConfigurationException($"{path} is encrypted (IsEncrypted: true); this app reads plain Values only");
            if (!document.RootElement.TryGetProperty("Values", out var section) || section.ValueKind != JsonValueKind.Object) return values;
            foreach (var property in section.EnumerateObject())
            {
                // Core Tools exports Values as environment variables, where "__" means a section separator.
                values[property.Name.Replace("__", ":", StringComparison.Ordinal)] = property.Value.ValueKind == JsonValueKind.String
                    ? property.Value.GetString()
                    : property.Value.GetRawText();
            }
            if (document.RootElement.TryGetProperty("ConnectionStrings", out var connections) && connections.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in connections.EnumerateObject())
                    values["ConnectionStrings:" + property.Name] = property.Value.GetString();
            }
            return values;
        }
    }
}
