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

/// <summary>
/// The registry's writer, saved at every exit (the end of every backfill): serialization-only code, without the
/// property metadata a reader needs, is a fraction of the JIT work on the stop path. Same JSON as
/// <see cref="ShipperJsonContext"/> writes.
/// </summary>
[JsonSourceGenerationOptions(WriteIndented = true, GenerationMode = JsonSourceGenerationMode.Serialization)]
[JsonSerializable(typeof(RegistryDocument))]
internal sealed partial class RegistryWriterJsonContext : JsonSerializerContext;
