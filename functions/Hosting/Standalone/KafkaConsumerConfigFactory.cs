using System.Text.RegularExpressions;
using Confluent.Kafka;
using NginxPulse.Functions.Hosting.Configuration;
using NginxPulse.Functions.Hosting.Manifest;

namespace NginxPulse.Functions.Hosting.Standalone;

/// <summary>
/// librdkafka consumer settings for one kafkaTrigger: function.json (brokers, group, SASL/SSL mapped as the
/// Kafka extension maps them), host.json extensions.kafka, then KafkaConsumerConfig overrides.
/// </summary>
public static partial class KafkaConsumerConfigFactory
{
    public static ConsumerConfig Create(KafkaTriggerBinding trigger, KafkaHostOptions host, KafkaConsumerOverrides overrides, string appRoot)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = trigger.BrokerList,
            GroupId = trigger.ConsumerGroup,
            // Offsets are committed explicitly, and only after the function succeeded on the batch.
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            EnablePartitionEof = false,
            AutoOffsetReset = host.AutoOffsetReset == KafkaAutoOffsetReset.Latest ? AutoOffsetReset.Latest : AutoOffsetReset.Earliest,
            SessionTimeoutMs = host.SessionTimeoutMs,
            MetadataMaxAgeMs = host.MetadataMaxAgeMs,
            SocketKeepaliveEnable = host.SocketKeepaliveEnable,
            Debug = host.LibkafkaDebug,
            MaxPollIntervalMs = host.MaxPollIntervalMs,
            ReconnectBackoffMs = host.ReconnectBackoffMs,
            ReconnectBackoffMaxMs = host.ReconnectBackoffMaxMs,
            StatisticsIntervalMs = host.StatisticsIntervalMs,
            QueuedMinMessages = host.QueuedMinMessages,
            QueuedMaxMessagesKbytes = host.QueuedMaxMessagesKbytes,
            MaxPartitionFetchBytes = host.MaxPartitionFetchBytes,
            FetchMaxBytes = host.FetchMaxBytes,
        };
        ApplySecurity(config, trigger.Security, appRoot);
        foreach (var (key, value) in overrides.Properties) config.Set(key, value);
        return config;
    }

    private static void ApplySecurity(ConsumerConfig config, KafkaSecurity security, string appRoot)
    {
        // As in the extension: credentials apply only when a mechanism or protocol is chosen.
        if (security.AuthenticationMode != KafkaAuthenticationMode.NotSet || security.Protocol != KafkaProtocol.NotSet)
        {
            if (security.AuthenticationMode != KafkaAuthenticationMode.NotSet) config.SaslMechanism = Map(security.AuthenticationMode);
            if (security.Protocol != KafkaProtocol.NotSet) config.SecurityProtocol = Map(security.Protocol);
            config.SaslUsername = security.Username;
            config.SaslPassword = security.Password;
        }
        config.SslCaLocation = LocateFile(security.SslCaLocation, appRoot);
        config.SslCertificateLocation = LocateFile(security.SslCertificateLocation, appRoot);
        config.SslKeyLocation = LocateFile(security.SslKeyLocation, appRoot);
        config.SslKeyPassword = security.SslKeyPassword;
        config.SslCaPem = Pem(security.SslCaPem);
        config.SslCertificatePem = Pem(security.SslCertificatePem);
        config.SslKeyPem = Pem(security.SslKeyPem);
        if (Pem(security.SslCertificateAndKeyPem) is { } both)
        {
            var blocks = PemBlock().Matches(both).Select(m => m.Value).ToArray();
            config.SslCertificatePem = string.Join("\n", blocks.Where(b => !b.Contains("PRIVATE KEY", StringComparison.Ordinal)));
            config.SslKeyPem = blocks.FirstOrDefault(b => b.Contains("PRIVATE KEY", StringComparison.Ordinal));
        }
    }

    /// <summary>A missing file is looked up by name in the app root, like the extension does for containers.</summary>
    private static string? LocateFile(string? path, string appRoot)
    {
        if (string.IsNullOrEmpty(path) || File.Exists(path)) return path;
        var inRoot = Path.Combine(appRoot, Path.GetFileName(path));
        return File.Exists(inRoot) ? inRoot : path;
    }

    /// <summary>PEM text in an app setting often has literal "\n" for line breaks (contract 4.1).</summary>
    private static string? Pem(string? value) => value?.Replace("\\n", "\n", StringComparison.Ordinal);

    private static SaslMechanism Map(KafkaAuthenticationMode mode) => mode switch
    {
        KafkaAuthenticationMode.Gssapi => SaslMechanism.Gssapi,
        KafkaAuthenticationMode.Plain => SaslMechanism.Plain,
        KafkaAuthenticationMode.ScramSha256 => SaslMechanism.ScramSha256,
        KafkaAuthenticationMode.ScramSha512 => SaslMechanism.ScramSha512,
        KafkaAuthenticationMode.OAuthBearer => SaslMechanism.OAuthBearer,
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
    };

    private static SecurityProtocol Map(KafkaProtocol protocol) => protocol switch
    {
        KafkaProtocol.Plaintext => SecurityProtocol.Plaintext,
        KafkaProtocol.Ssl => SecurityProtocol.Ssl,
        KafkaProtocol.SaslPlaintext => SecurityProtocol.SaslPlaintext,
        KafkaProtocol.SaslSsl => SecurityProtocol.SaslSsl,
        _ => throw new ArgumentOutOfRangeException(nameof(protocol), protocol, null),
    };

    [GeneratedRegex("-----BEGIN [A-Z ]+-----.+?-----END [A-Z ]+-----", RegexOptions.Singleline)]
    private static partial Regex PemBlock();
}
