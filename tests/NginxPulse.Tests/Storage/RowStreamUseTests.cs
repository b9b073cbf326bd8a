using System.Text.RegularExpressions;
using NginxPulse.Tests.Support;
using Xunit;

namespace NginxPulse.Tests.Storage;

/// <summary>
/// A reader loop of its own is exposed to MySql.Data 8.0.16's hang on a server error mid-result (see
/// <see cref="FailedResultStreamTests"/>): the function app reads rows only through RowStream.
/// </summary>
public sealed class RowStreamUseTests
{
    [Fact]
    public void No_code_of_the_function_app_reads_rows_except_through_RowStream()
    {
        var functions = Path.Combine(MariaDbScript.RepoRoot, "functions");
        var readers = new Regex(@"\.ExecuteReader(Async)?\(");
        var offenders = Directory.EnumerateFiles(functions, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Where(f => Path.GetFileName(f) != "RowStream.cs")
            .Where(f => readers.IsMatch(File.ReadAllText(f)))
            .Select(f => Path.GetRelativePath(MariaDbScript.RepoRoot, f))
            .ToList();
        Assert.True(offenders.Count == 0, $"read rows through RowStream.ReadAsync instead: {string.Join(", ", offenders)}");
    }
}
