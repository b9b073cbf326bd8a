namespace NginxPulse.KafkaMock;

/// <summary>The command line or environment asks for something invalid; the message tells the user what.</summary>
public sealed class UsageException(string message) : Exception(message);
