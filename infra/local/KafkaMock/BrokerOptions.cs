namespace NginxPulse.KafkaMock;

/// <summary>
/// What the broker process serves. Command-line options win over the environment, which wins over the defaults,
/// so scripts can configure it through variables and a developer can still override one thing by hand.
/// </summary>
public sealed record BrokerOptions(int Brokers, IReadOnlyList<TopicSpec> Topics, string? BootstrapFile)
{
    public const string BrokersVariable = "NGINXPULSE_KAFKA_BROKERS";
    public const string TopicsVariable = "NGINXPULSE_KAFKA_TOPICS";
    private const int DefaultBrokers = 3;
    private const string DefaultTopics = "nginx-access:3";

    public const string Usage = """
        usage: NginxPulse.KafkaMock [--brokers N] [--topic NAME:PARTITIONS]... [--bootstrap-file PATH]
          --brokers N                 mock brokers to run (default 3, env NGINXPULSE_KAFKA_BROKERS)
          --topic NAME:PARTITIONS     topic to create, repeatable (default nginx-access:3,
                                      env NGINXPULSE_KAFKA_TOPICS as a comma list, e.g. a:3,b:1)
          --bootstrap-file PATH       write the bootstrap list to PATH once the topics exist
        """;

    public static BrokerOptions Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        string? brokers = null, bootstrapFile = null;
        var topics = new List<TopicSpec>();
        for (var i = 0; i < args.Count; i++)
        {
            var (name, inlineValue) = Split(args[i]);
            string Value() => inlineValue ?? (++i < args.Count ? args[i] : throw new UsageException($"{name} needs a value"));
            switch (name)
            {
                case "--brokers": brokers = Value(); break;
                case "--topic": topics.Add(TopicSpec.Parse(Value())); break;
                case "--bootstrap-file": bootstrapFile = Value(); break;
                default: throw new UsageException($"unknown argument '{args[i]}'");
            }
        }
        if (topics.Count == 0) topics.AddRange(ParseTopicList(environment(TopicsVariable), TopicsVariable));
        var brokerCount = ParseBrokers(brokers ?? environment(BrokersVariable), brokers is null ? BrokersVariable : "--brokers");
        var duplicate = topics.GroupBy(t => t.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new UsageException($"topic '{duplicate.Key}' is given more than once");
        if (bootstrapFile is { Length: 0 }) throw new UsageException("--bootstrap-file needs a path");
        return new BrokerOptions(brokerCount, topics, bootstrapFile);
    }

    private static (string Name, string? Value) Split(string arg)
    {
        var eq = arg.IndexOf('=');
        return arg.StartsWith("--", StringComparison.Ordinal) && eq > 0 ? (arg[..eq], arg[(eq + 1)..]) : (arg, null);
    }

    private static IEnumerable<TopicSpec> ParseTopicList(string? list, string source)
    {
        if (string.IsNullOrWhiteSpace(list)) return [TopicSpec.Parse(DefaultTopics)];
        try
        {
            var topics = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(TopicSpec.Parse).ToList();
            return topics.Count > 0 ? topics : throw new UsageException($"'{list}' names no topic");
        }
        catch (UsageException e)
        {
            throw new UsageException($"{source}: {e.Message}");
        }
    }

    private static int ParseBrokers(string? text, string source)
    {
        if (string.IsNullOrWhiteSpace(text)) return DefaultBrokers;
        return int.TryParse(text, out var n) && n >= 1
            ? n
            : throw new UsageException($"{source}: broker count '{text}' is not a positive integer");
    }
}
