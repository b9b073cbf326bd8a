namespace NginxPulse.Functions.Hosting.CustomHandler;

/// <summary>The host's invocation body does not have the shape of contract 3.4.</summary>
public sealed class MalformedEnvelopeException(string message) : Exception(message);
