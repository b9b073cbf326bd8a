using NginxPulse.Functions.Hosting;
using NginxPulse.Functions.Hosting.Configuration;

namespace NginxPulse.Functions.Cli;

/// <summary>
/// <c>default-settings</c>: prints <c>NAME=VALUE</c> for each value of the app root's settings.defaults.json that the
/// environment does not set. The Functions host resolves function.json placeholders from app settings only, so the
/// container entrypoint exports these before it starts the host (one source of truth for the defaults).
/// </summary>
public static class DefaultSettingsCommand
{
    public static async Task<int> RunAsync(string appRoot, TextWriter output, TextWriter errors)
    {
        var path = Path.Combine(appRoot, DefaultSettingsFile.FileName);
        if (!File.Exists(path)) return 0;
        try
        {
            foreach (var (name, value) in LocalSettingsFile.ReadValues(path).OrderBy(v => v.Key, StringComparer.Ordinal))
            {
                var variable = name.Replace(":", "__", StringComparison.Ordinal);
                if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(variable)) && value is not null && !value.Contains('\n'))
                    await output.WriteLineAsync($"{variable}={value}");
            }
            return 0;
        }
        catch (FunctionAppConfigurationException ex)
        {
            await errors.WriteLineAsync($"default-settings: {ex.Message}");
            return 1;
        }
    }
}
