using Microsoft.Extensions.Configuration;

namespace NginxPulse.Functions.Hosting;

/// <summary>
/// The Functions script root: host.json and one folder per function. Under the host the executable sits
/// in it, so that is the default; the NginxPulseAppRoot setting points elsewhere (tests, a dev checkout).
/// </summary>
public static class AppRoot
{
    public const string Setting = "NginxPulseAppRoot";

    public static string Resolve(IConfiguration configuration) =>
        Path.GetFullPath(configuration[Setting] is { Length: > 0 } root ? root : AppContext.BaseDirectory);
}
