namespace NginxPulse.Functions.Hosting.Manifest;

/// <summary>The single trigger binding of a function.json, with every %Setting% already resolved.</summary>
public abstract record TriggerBinding(string Name)
{
    public abstract string Type { get; }
}

public enum KafkaCardinality { One, Many }

public enum KafkaDataType { String, Binary }

public sealed record KafkaTriggerBinding(
    string Name,
    string BrokerList,
    string Topic,
    string ConsumerGroup,
    KafkaCardinality Cardinality,
    KafkaDataType DataType,
    KafkaSecurity Security) : TriggerBinding(Name)
{
    public override string Type => "kafkaTrigger";
}

public sealed record TimerTriggerBinding(string Name, string Schedule, bool RunOnStartup, bool UseMonitor) : TriggerBinding(Name)
{
    public override string Type => "timerTrigger";
}

public enum HttpAuthLevel { Anonymous, Function, Admin }

public sealed record HttpTriggerBinding(string Name, HttpAuthLevel AuthLevel, IReadOnlyList<string> Methods, string? Route)
    : TriggerBinding(Name)
{
    public override string Type => "httpTrigger";
}

/// <summary>The `http` output binding that pairs with an httpTrigger.</summary>
public sealed record HttpOutputBinding(string Name);
