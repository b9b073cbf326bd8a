using System.Reflection;

namespace NginxPulse.Functions.Dashboard;

/// <summary>
/// The dashboard's files, embedded in the assembly (Dashboard/Page/*) so the page always matches the app that serves
/// it. Read once; only these names are ever served, so no request path reaches the file system.
/// </summary>
public sealed class DashboardAssets
{
    private const string Prefix = "NginxPulse.Dashboard.";

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
    };

    private readonly Dictionary<string, (string ContentType, string Text)> _files = new(StringComparer.Ordinal);

    public DashboardAssets()
    {
        var assembly = typeof(DashboardAssets).Assembly;
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            var name = resource[Prefix.Length..];
            _files[name] = (ContentTypes.GetValueOrDefault(Path.GetExtension(name), "application/octet-stream"), Read(assembly, resource));
        }
    }

    public bool TryGet(string name, out string contentType, out string text)
    {
        var found = _files.TryGetValue(name, out var file);
        (contentType, text) = file;
        return found;
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
