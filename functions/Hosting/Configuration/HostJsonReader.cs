using Microsoft.Extensions.Configuration;

namespace NginxPulse.Functions.Hosting.Configuration;

/// <summary>
/// Reads host.json from the app root and applies app-setting overrides the way the Functions host does:
/// <c>AzureFunctionsJobHost__extensions__kafka__maxBatchSize</c> (an environment variable, so
/// "AzureFunctionsJobHost:extensions:kafka:maxBatchSize" in configuration) beats host.json. Keys are
/// case-insensitive, as in the extension.
/// </summary>
public static class HostJsonReader
{
    public const string FileName = "host.json";
    public const string OverridePrefix = "AzureFunctionsJobHost";

    /// <summary>host.json as configuration; an absent file means the extension defaults.</summary>
    public static IConfiguration Load(string appRoot)
    {
        var path = Path.Combine(appRoot, FileName);
        var builder = new ConfigurationBuilder();
        if (File.Exists(path)) builder.AddJsonFile(path, optional: false, reloadOnChange: false);
        try
        {
            return builder.Build();
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException)
        {
            throw new FunctionAppConfigurationException($"{path} is not valid JSON: {ex.Message}");
        }
    }

    public static void BindKafka(IConfiguration hostJson, IConfiguration appSettings, KafkaHostOptions options)
    {
        Bind(hostJson.GetSection("extensions:kafka"), options, "host.json extensions.kafka");
        Bind(appSettings.GetSection($"{OverridePrefix}:extensions:kafka"), options, $"{OverridePrefix}__extensions__kafka__*");
    }

    private static void Bind(IConfigurationSection section, KafkaHostOptions options, string where)
    {
        try
        {
            section.Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            // The binder's message names the key and the bad value ("Failed to convert configuration value at ...").
            throw new FunctionAppConfigurationException($"{where}: {ex.Message}");
        }
    }
}
