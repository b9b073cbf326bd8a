namespace NginxPulse.Functions.Hosting.Manifest;

/// <summary>Kafka extension authenticationMode values (contract 4.1).</summary>
public enum KafkaAuthenticationMode { NotSet, Gssapi, Plain, ScramSha256, ScramSha512, OAuthBearer }

/// <summary>Kafka extension protocol values (contract 4.1).</summary>
public enum KafkaProtocol { NotSet, Plaintext, Ssl, SaslPlaintext, SaslSsl }

/// <summary>The SASL/SSL properties of a kafkaTrigger, resolved; null means not given.</summary>
public sealed record KafkaSecurity(
    KafkaAuthenticationMode AuthenticationMode,
    KafkaProtocol Protocol,
    string? Username,
    string? Password,
    string? SslCaLocation,
    string? SslCertificateLocation,
    string? SslKeyLocation,
    string? SslKeyPassword,
    string? SslCaPem,
    string? SslCertificatePem,
    string? SslKeyPem,
    string? SslCertificateAndKeyPem)
{
    public static readonly KafkaSecurity None =
        new(KafkaAuthenticationMode.NotSet, KafkaProtocol.NotSet, null, null, null, null, null, null, null, null, null, null);
}
