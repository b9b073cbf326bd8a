using System.Text.Json;
using NginxPulse.Shipper.Events;
using NginxPulse.Shipper.Configuration;

namespace NginxPulse.Shipper.Files;

/// <summary>An input as it runs: its globs and what it puts into each event, with the constant JSON pre-encoded.</summary>
public sealed class Input
{
    private readonly InputOptions options;
    private PathGlob? glob;
    private string? signature;

    public Input(InputOptions options, string defaultTopic)
    {
        Name = options.DisplayName;
        Topic = options.Topic ?? defaultTopic;
        StartAt = options.StartAt;
        LineEncodings.TryParse(options.Encoding, out var encoding);
        Encoding = encoding;
        MaxLineBytes = options.MaxLineBytes;
        Tags = options.Tags.Select(t => JsonEncodedText.Encode(t, EventJson.Encoder)).ToArray();
        Fields = options.Fields.Select(f => (JsonEncodedText.Encode(f.Key, EventJson.Encoder), JsonEncodedText.Encode(f.Value, EventJson.Encoder))).ToArray();
        this.options = options;
    }

    public string Name { get; }
    /// <summary>Built when first asked for: the input a backfill makes for its files never walks a directory.</summary>
    public PathGlob Glob => glob ??= new PathGlob(options.Paths, options.Exclude);
    public string Topic { get; }
    public StartPosition StartAt { get; }
    public LineEncoding Encoding { get; }
    public int MaxLineBytes { get; }
    public JsonEncodedText[] Tags { get; }
    public (JsonEncodedText Name, JsonEncodedText Value)[] Fields { get; }

    /// <summary>
    /// Equal for two inputs configured alike; a reload keeps an input whose signature did not change. Built when first
    /// asked for: a backfill never needs it.
    /// </summary>
    public string Signature => signature ??= JsonSerializer.Serialize(options, ShipperJsonContext.Default.InputOptions);
}
