using System.Text.Json;
using NginxPulse.Functions.Hosting.Configuration;

namespace NginxPulse.Functions.Hosting.Manifest;

/// <summary>
/// Loads every <c>&lt;Name&gt;/function.json</c> directly under the app root (the folder name is the function
/// name, as for the Functions host) and resolves its settings. Every problem is collected so one start-up
/// failure lists them all.
/// </summary>
public static class FunctionManifestLoader
{
    private static readonly JsonDocumentOptions JsonOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public static FunctionManifest Load(string appRoot, AppSettings settings)
    {
        if (!Directory.Exists(appRoot))
            throw new FunctionAppConfigurationException($"app root '{appRoot}' does not exist");
        var expander = new SettingExpander(settings);
        var problems = new List<string>();
        var functions = new List<FunctionDefinition>();
        foreach (var dir in Directory.EnumerateDirectories(appRoot).Order(StringComparer.Ordinal))
        {
            var path = Path.Combine(dir, "function.json");
            if (!File.Exists(path)) continue;
            if (LoadOne(Path.GetFileName(dir), path, expander, problems) is { } function) functions.Add(function);
        }
        if (problems.Count > 0) throw new FunctionAppConfigurationException(problems);
        return new FunctionManifest(appRoot, functions);
    }

    private static FunctionDefinition? LoadOne(string name, string path, SettingExpander expander, List<string> problems)
    {
        var source = $"{name}/function.json";
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(path), JsonOptions);
        }
        catch (JsonException ex)
        {
            problems.Add($"{source} is not valid JSON: {ex.Message}");
            return null;
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !TryGetProperty(root, "bindings", out var bindings) || bindings.ValueKind != JsonValueKind.Array)
            {
                problems.Add($"{source}: a 'bindings' array is required");
                return null;
            }
            var before = problems.Count;
            TriggerBinding? trigger = null;
            HttpOutputBinding? httpOutput = null;
            foreach (var binding in bindings.EnumerateArray())
            {
                var reader = new BindingReader(binding, source, expander, problems);
                var type = binding.ValueKind == JsonValueKind.Object ? reader.String("type") : null;
                if (type is not null && type.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase))
                {
                    if (trigger is not null) problems.Add($"{source}: more than one trigger binding");
                    trigger = BindingParsers.ParseTrigger(type, reader);
                }
                else if (string.Equals(type, "http", StringComparison.OrdinalIgnoreCase))
                {
                    httpOutput = new HttpOutputBinding(reader.Required("name"));
                }
                else
                {
                    problems.Add($"{source}: binding type '{type ?? "(none)"}' is not supported (supported: kafkaTrigger, timerTrigger, httpTrigger, http)");
                }
            }
            if (trigger is null && problems.Count == before) problems.Add($"{source}: no trigger binding");
            if (httpOutput is not null && trigger is not HttpTriggerBinding)
                problems.Add($"{source}: an 'http' output binding needs an httpTrigger");
            var retry = TryGetProperty(root, "retry", out var retrySection) && retrySection.ValueKind == JsonValueKind.Object
                ? BindingParsers.ParseRetry(new BindingReader(retrySection, $"{source} retry", expander, problems))
                : null;
            return problems.Count > before || trigger is null ? null : new FunctionDefinition(name, path, trigger, httpOutput, retry);
        }
    }

    private static bool TryGetProperty(JsonElement element, string name, out JsonElement value)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }
        value = default;
        return false;
    }
}
