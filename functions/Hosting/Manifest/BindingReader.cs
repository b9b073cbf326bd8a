using System.Text.Json;
using NginxPulse.Functions.Hosting.Configuration;

namespace NginxPulse.Functions.Hosting.Manifest;

/// <summary>
/// Reads one binding object of a function.json: property names case-insensitively (the host binds them
/// with Newtonsoft), string values with %Setting% resolved, problems collected with their location.
/// </summary>
internal sealed class BindingReader(JsonElement binding, string source, SettingExpander settings, ICollection<string> problems)
{
    public string Source => source;

    public void Report(string problem) => problems.Add($"{source}: {problem}");

    public bool Has(string property) => TryGet(property, out _);

    public string? String(string property, bool settingNameIndirection = false)
    {
        if (!TryGet(property, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        var raw = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
        return settings.Expand(raw, settingNameIndirection, $"{source} ({property})", problems);
    }

    public string Required(string property, bool settingNameIndirection = false)
    {
        var present = Has(property);
        var value = String(property, settingNameIndirection);
        if (!present) problems.Add($"{source}: '{property}' is required");
        else if (value is { Length: 0 }) problems.Add($"{source}: '{property}' is empty");
        return value ?? "";
    }

    public bool Bool(string property, bool defaultValue)
    {
        if (!TryGet(property, out var value)) return defaultValue;
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False) return value.GetBoolean();
        var text = String(property);
        if (text is null) return defaultValue;
        if (bool.TryParse(text, out var parsed)) return parsed;
        problems.Add($"{source}: '{property}' must be true or false, not '{text}'");
        return defaultValue;
    }

    public int Int(string property, int defaultValue)
    {
        if (!TryGet(property, out var value)) return defaultValue;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)) return number;
        var text = String(property);
        if (text is null) return defaultValue;
        if (int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var parsed)) return parsed;
        problems.Add($"{source}: '{property}' must be an integer, not '{text}'");
        return defaultValue;
    }

    public TimeSpan? TimeSpan(string property)
    {
        var text = String(property);
        if (text is null) return null;
        if (System.TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var parsed) && parsed >= System.TimeSpan.Zero)
            return parsed;
        problems.Add($"{source}: '{property}' must be a time span like 00:00:10, not '{text}'");
        return null;
    }

    /// <summary>Case-insensitive enum by name, as the Kafka extension parses protocol and authenticationMode.</summary>
    public TEnum Enum<TEnum>(string property, TEnum defaultValue) where TEnum : struct, System.Enum
    {
        var text = String(property);
        if (string.IsNullOrEmpty(text)) return defaultValue;
        if (System.Enum.TryParse<TEnum>(text, ignoreCase: true, out var parsed) && System.Enum.IsDefined(parsed)) return parsed;
        problems.Add($"{source}: '{property}' is '{text}'; expected one of {string.Join(", ", System.Enum.GetNames<TEnum>())}");
        return defaultValue;
    }

    public IReadOnlyList<string> StringArray(string property)
    {
        if (!TryGet(property, out var value) || value.ValueKind == JsonValueKind.Null) return [];
        if (value.ValueKind != JsonValueKind.Array)
        {
            problems.Add($"{source}: '{property}' must be an array of strings");
            return [];
        }
        return value.EnumerateArray()
            .Select(item => item.ValueKind == JsonValueKind.String
                ? settings.Expand(item.GetString()!, false, $"{source} ({property})", problems)
                : null)
            .OfType<string>()
            .ToArray();
    }

    private bool TryGet(string property, out JsonElement value)
    {
        foreach (var candidate in binding.EnumerateObject())
        {
            if (string.Equals(candidate.Name, property, StringComparison.OrdinalIgnoreCase))
            {
                value = candidate.Value;
                return true;
            }
        }
        value = default;
        return false;
    }
}
