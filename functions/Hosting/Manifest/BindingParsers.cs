namespace NginxPulse.Functions.Hosting.Manifest;

/// <summary>Turns binding objects into typed bindings; property names and defaults follow contract section 4.</summary>
internal static class BindingParsers
{
    public static TriggerBinding? ParseTrigger(string type, BindingReader reader)
    {
        switch (type.ToLowerInvariant())
        {
            case "kafkatrigger": return ParseKafka(reader);
            case "timertrigger": return ParseTimer(reader);
            case "httptrigger": return ParseHttp(reader);
            default:
                reader.Report($"trigger type '{type}' is not supported (supported: kafkaTrigger, timerTrigger, httpTrigger)");
                return null;
        }
    }

    private static KafkaTriggerBinding ParseKafka(BindingReader reader)
    {
        var cardinality = reader.Enum("cardinality", KafkaCardinality.One);
        if (cardinality == KafkaCardinality.Many && !reader.Has("dataType"))
            reader.Report("'dataType' is required with cardinality 'many'");
        var dataType = reader.Enum("dataType", KafkaDataType.String);
        // With dataType binary the host sends bare values without offsets (contract 3.4): nothing could be
        // committed or deduplicated, so refuse it instead of failing on the first batch.
        if (dataType == KafkaDataType.Binary)
            reader.Report("dataType 'binary' is not supported: the handler needs 'string' to receive each message's topic, partition and offset");
        return new KafkaTriggerBinding(
            reader.Required("name"),
            reader.Required("brokerList", settingNameIndirection: true),
            reader.Required("topic", settingNameIndirection: true),
            // Documented as optional but used verbatim as group.id (contract 4.1): demand it.
            reader.Required("consumerGroup", settingNameIndirection: true),
            cardinality,
            dataType,
            new KafkaSecurity(
                reader.Enum("authenticationMode", KafkaAuthenticationMode.NotSet),
                reader.Enum("protocol", KafkaProtocol.NotSet),
                reader.String("username", settingNameIndirection: true),
                reader.String("password", settingNameIndirection: true),
                reader.String("sslCaLocation"),
                reader.String("sslCertificateLocation"),
                reader.String("sslKeyLocation"),
                reader.String("sslKeyPassword", settingNameIndirection: true),
                reader.String("sslCaPEM", settingNameIndirection: true),
                reader.String("sslCertificatePEM", settingNameIndirection: true),
                reader.String("sslKeyPEM", settingNameIndirection: true),
                reader.String("sslCertificateandKeyPEM", settingNameIndirection: true)));
    }

    private static TimerTriggerBinding ParseTimer(BindingReader reader) => new(
        reader.Required("name"),
        reader.Required("schedule"),
        reader.Bool("runOnStartup", false),
        reader.Bool("useMonitor", true));

    private static HttpTriggerBinding ParseHttp(BindingReader reader) => new(
        reader.Required("name"),
        reader.Enum("authLevel", HttpAuthLevel.Function),
        reader.StringArray("methods").Select(m => m.ToUpperInvariant()).ToArray(),
        reader.String("route"));

    public static RetryPolicy? ParseRetry(BindingReader reader)
    {
        var strategy = reader.Enum<RetryStrategy>("strategy", RetryStrategy.ExponentialBackoff);
        var maxRetryCount = reader.Int("maxRetryCount", -1);
        if (maxRetryCount < -1) reader.Report("'maxRetryCount' must be -1 (forever) or more");
        if (strategy == RetryStrategy.FixedDelay)
        {
            var delay = reader.TimeSpan("delayInterval");
            if (delay is null) { reader.Report("'delayInterval' is required for fixedDelay"); return null; }
            return new RetryPolicy(strategy, maxRetryCount, delay.Value, delay.Value);
        }
        var minimum = reader.TimeSpan("minimumInterval");
        var maximum = reader.TimeSpan("maximumInterval");
        if (minimum is null || maximum is null) { reader.Report("'minimumInterval' and 'maximumInterval' are required for exponentialBackoff"); return null; }
        if (minimum > maximum) { reader.Report("'minimumInterval' is greater than 'maximumInterval'"); return null; }
        return new RetryPolicy(strategy, maxRetryCount, minimum.Value, maximum.Value);
    }
}
