using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace NginxPulse.Functions.Hosting.Standalone;

/// <summary>
/// Extra librdkafka consumer properties for the standalone consumer, applied last. App-setting names
/// cannot carry librdkafka's dotted names comfortably, so they come from one setting:
/// <c>KafkaConsumerConfig</c> = a JSON object of librdkafka property to value, e.g.
/// <c>{"fetch.wait.max.ms":"50","ssl.endpoint.identification.algorithm":"none"}</c>.
/// Where the environment allows section keys (appsettings.json, KafkaConsumerConfig__fetch.wait.max.ms),
/// children of the KafkaConsumerConfig section are accepted too and win over the JSON.
/// </summary>
public sealed class KafkaConsumerOverrides
{
    public const string Setting = "KafkaConsumerConfig";

    /// <summary>
    /// Properties the transport owns: offsets are committed explicitly after success, and the group and
    /// brokers come from function.json so both transports use the same ones.
    /// </summary>
    public static readonly IReadOnlySet<string> Reserved =
        new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "enable.auto.commit", "enable.auto.offset.store", "group.id", "bootstrap.servers" };

    public Dictionary<string, string> Properties { get; } = new(StringComparer.OrdinalIgnoreCase);

    public List<string> Problems { get; } = [];

    public static void Bind(IConfiguration configuration, KafkaConsumerOverrides options)
    {
        if (configuration[Setting] is { Length: > 0 } json) ReadJson(json, options);
        foreach (var child in configuration.GetSection(Setting).GetChildren())
        {
            if (child.Value is not null) options.Properties[child.Key] = child.Value;
        }
    }

    private static void ReadJson(string json, KafkaConsumerOverrides options)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                options.Problems.Add($"setting '{Setting}' must be a JSON object of librdkafka properties");
                return;
            }
            foreach (var property in document.RootElement.EnumerateObject())
            {
                options.Properties[property.Name] = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString()!,
                    JsonValueKind.True => "true",
                    JsonValueKind.False => "false",
                    _ => property.Value.GetRawText(),
                };
            }
        }
        catch (JsonException ex)
        {
            options.Problems.Add($"setting '{Setting}' is not valid JSON: {ex.Message}");
        }
    }
}

public sealed class KafkaConsumerOverridesValidator : IValidateOptions<KafkaConsumerOverrides>
{
    public ValidateOptionsResult Validate(string? name, KafkaConsumerOverrides options)
    {
        var failures = options.Problems
            .Concat(options.Properties.Keys.Where(KafkaConsumerOverrides.Reserved.Contains)
                .Select(key => $"setting '{KafkaConsumerOverrides.Setting}' may not set '{key}' (owned by the consumer and function.json)"))
            .ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
