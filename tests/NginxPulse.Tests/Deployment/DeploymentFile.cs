using System.Text.Json;
using System.Text.RegularExpressions;
using NginxPulse.Tests.Support;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace NginxPulse.Tests.Deployment;

/// <summary>Reads the repository's deployment files (YAML with anchors and merge keys, Dockerfiles, settings).</summary>
public static partial class DeploymentFile
{
    public static string PathOf(string relative) => Path.Combine(MariaDbScript.RepoRoot, relative);

    /// <summary>Every document of a YAML file, merge keys (&lt;&lt;) applied, as nested dictionaries and lists.</summary>
    public static IReadOnlyList<Dictionary<object, object>> YamlDocuments(string relative)
    {
        using var reader = new StringReader(File.ReadAllText(PathOf(relative)));
        var parser = new MergingParser(new Parser(reader));
        var deserializer = new DeserializerBuilder().Build();
        var documents = new List<Dictionary<object, object>>();
        parser.Consume<YamlDotNet.Core.Events.StreamStart>();
        while (parser.Accept<YamlDotNet.Core.Events.DocumentStart>(out _))
            documents.Add(deserializer.Deserialize<Dictionary<object, object>>(parser));
        return documents;
    }

    public static Dictionary<object, object> Map(object? node, string where) =>
        node as Dictionary<object, object> ?? throw new InvalidDataException($"{where} is not a mapping");

    public static Dictionary<object, object> Map(Dictionary<object, object> parent, string key) =>
        Map(parent.GetValueOrDefault(key), key);

    public static List<object> List(Dictionary<object, object> parent, string key) =>
        parent.GetValueOrDefault(key) as List<object> ?? throw new InvalidDataException($"{key} is not a list");

    public static string Text(Dictionary<object, object> parent, string key) =>
        parent.GetValueOrDefault(key)?.ToString() ?? throw new InvalidDataException($"{key} is missing");

    /// <summary>Settings that function.json files name as %Setting% and that settings.defaults.json does not default.</summary>
    public static IReadOnlySet<string> SettingsWithoutDefault()
    {
        var defaults = JsonDocument.Parse(File.ReadAllText(PathOf("functions/settings.defaults.json"))).RootElement
            .GetProperty("Values").EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return Directory.GetFiles(PathOf("functions"), "function.json", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => Placeholder().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .Where(s => !defaults.Contains(s))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>A %Setting% placeholder of function.json; group 1 is the setting's name.</summary>
    [GeneratedRegex("%([A-Za-z0-9_]+)%")]
    public static partial Regex Placeholder();
}
