namespace NginxPulse.Shipper.Configuration;

/// <summary>The configuration cannot run; the message lists every bad setting.</summary>
public sealed class ShipperConfigurationException(string message) : Exception(message);
