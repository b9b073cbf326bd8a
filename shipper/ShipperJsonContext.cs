using System.Text.Json.Serialization;
using NginxPulse.Shipper.Configuration;
using NginxPulse.Shipper.Registry;

namespace NginxPulse.Shipper;

/// <summary>
/// Serialization code generated at build time for what the agent writes on its start and stop paths (the registry,
/// an input's signature, the reloader's view of the running settings): reflection-based serialization cost tens of
/// milliseconds of JIT on each of them.
/// </summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(RegistryDocument))]
[JsonSerializable(typeof(InputOptions))]
[JsonSerializable(typeof(List<InputOptions>))]
[JsonSerializable(typeof(Runtime.RestartOnlySettings))]
internal sealed partial class ShipperJsonContext : JsonSerializerContext;
