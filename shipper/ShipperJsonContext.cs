using System.Text.Json.Serialization;
using NginxPulse.Shipper.Configuration;
using NginxPulse.Shipper.Registry;

namespace NginxPulse.Shipper;

/// <summary>
/// Serialization code generated at build time for what the agent writes on its start and stop paths (the registry,
/// an input's signature): reflection-based serialization cost tens of milliseconds of JIT on each of them.
/// </summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(RegistryDocument))]
[JsonSerializable(typeof(InputOptions))]
internal sealed partial class ShipperJsonContext : JsonSerializerContext;
