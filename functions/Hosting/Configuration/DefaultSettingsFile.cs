using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;

namespace NginxPulse.Functions.Hosting.Configuration;

/// <summary>
/// settings.defaults.json in the app root: the defaults of settings that function.json uses as %Name%
/// placeholders (schedules, for instance), in the local.settings.json format. It is the lowest source, so any
/// app setting, local.settings.json value or command-line argument wins. The Functions host does not read it:
/// under the host these settings must be app settings (the container image sets them).
/// </summary>
public static class DefaultSettingsFile
{
    public const string FileName = "settings.defaults.json";

    public static void AddBelowOtherSources(IConfigurationBuilder configuration, string appRoot)
    {
        var path = Path.Combine(appRoot, FileName);
        if (!File.Exists(path)) return;
        configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = LocalSettingsFile.ReadValues(path) });
    }
}
