using Microsoft.Extensions.FileSystemGlobbing;
using Microsoft.Extensions.FileSystemGlobbing.Abstractions;

namespace NginxPulse.Shipper.Files;

/// <summary>
/// Absolute path globs with excludes. Each glob is split into the directory before its first wildcard (the only
/// directory walked) and the pattern below it, so /var/log/nginx/*.log lists one directory and nothing else.
/// </summary>
public sealed class PathGlob
{
    private readonly List<(string Root, Matcher Matcher)> roots = [];

    public PathGlob(IEnumerable<string> includes, IEnumerable<string> excludes)
    {
        var excludeList = excludes.ToList();
        foreach (var group in includes.Select(Split).GroupBy(s => s.Root, StringComparer.Ordinal))
        {
            var matcher = new Matcher(StringComparison.Ordinal);
            foreach (var (_, pattern) in group) matcher.AddInclude(pattern);
            foreach (var exclude in excludeList)
            {
                if (!exclude.Contains('/')) matcher.AddExclude("**/" + exclude);
                else if (exclude.StartsWith(group.Key + "/", StringComparison.Ordinal)) matcher.AddExclude(exclude[(group.Key.Length + 1)..]);
            }
            roots.Add((group.Key, matcher));
        }
    }

    public IEnumerable<string> Expand()
    {
        foreach (var (root, matcher) in roots)
        {
            if (!Directory.Exists(root)) continue;
            PatternMatchingResult result;
            try
            {
                result = matcher.Execute(new DirectoryInfoWrapper(new DirectoryInfo(root)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;  // a directory vanishing mid-walk is retried on the next scan
            }
            foreach (var file in result.Files) yield return Path.Combine(root, file.Path);
        }
    }

    private static (string Root, string Pattern) Split(string glob)
    {
        var segments = glob.Split('/');
        var firstWild = Array.FindIndex(segments, s => s.Contains('*'));
        if (firstWild < 0) firstWild = segments.Length - 1;  // a plain path: its directory is the root
        var root = string.Join('/', segments[..firstWild]);
        return (root.Length == 0 ? "/" : root, string.Join('/', segments[firstWild..]));
    }
}
