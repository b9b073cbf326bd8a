using Xunit;

namespace NginxPulse.Tests.Support;

/// <summary>Locates ../shared/data (beside the repository) the way CI lays it out.</summary>
public static class SharedData
{
    public static readonly string? NginxDir = Find();

    public static bool Available => NginxDir is not null;

    public const string MissingMessage = "../shared/data/nginx not found beside the repository: real-log tests skipped";

    private static string? Find()
    {
        var env = Environment.GetEnvironmentVariable("NGINXPULSE_SHARED_DATA");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(Path.Combine(env, "nginx"))) return Path.Combine(env, "nginx");
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "..", "shared", "data", "nginx");
            if (Directory.Exists(candidate)) return Path.GetFullPath(candidate);
        }
        return null;
    }

    public static string File(string relative) =>
        Path.Combine(NginxDir ?? throw new InvalidOperationException(MissingMessage), relative);
}

/// <summary>A fact that is skipped, with a visible reason, when ../shared/data is absent.</summary>
public sealed class SharedDataFactAttribute : FactAttribute
{
    public SharedDataFactAttribute() { if (!SharedData.Available) Skip = SharedData.MissingMessage; }
}

/// <summary>A theory that is skipped, with a visible reason, when ../shared/data is absent.</summary>
public sealed class SharedDataTheoryAttribute : TheoryAttribute
{
    public SharedDataTheoryAttribute() { if (!SharedData.Available) Skip = SharedData.MissingMessage; }
}
