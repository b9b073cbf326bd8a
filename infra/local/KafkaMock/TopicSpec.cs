namespace NginxPulse.KafkaMock;

/// <summary>A topic to create at start-up, written on the command line as NAME:PARTITIONS.</summary>
public sealed record TopicSpec(string Name, int Partitions)
{
    // Kafka's own limits on topic names, so a typo fails here rather than as a broker error code.
    private const int MaxNameLength = 249;

    public static TopicSpec Parse(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
            throw new UsageException($"topic '{text}' must be NAME:PARTITIONS, e.g. nginx-access:3");
        var name = text[..colon];
        var count = text[(colon + 1)..];
        if (name.Length > MaxNameLength || name is "." or ".." || !name.All(IsTopicChar))
            throw new UsageException($"topic name '{name}' may only hold letters, digits, '.', '_' and '-' (at most {MaxNameLength})");
        if (!int.TryParse(count, out var partitions) || partitions < 1)
            throw new UsageException($"topic '{name}': partition count '{count}' is not a positive integer");
        return new TopicSpec(name, partitions);
    }

    private static bool IsTopicChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-';
}
