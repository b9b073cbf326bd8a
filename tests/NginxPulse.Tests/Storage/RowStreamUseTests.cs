using System.Text.RegularExpressions;
using NginxPulse.Tests.Support;
using Xunit;

namespace NginxPulse.Tests.Storage;

/// <summary>
/// A reader loop of its own is exposed to MySql.Data 8.0.16's hang on a server error mid-result (see
/// <see cref="FailedResultStreamTests"/>): the function app reads rows only through RowStream. A command run with a
/// token of its own ends in the driver's NullReferenceException when cancelled (see
/// <see cref="CancelledCommandTests"/>): the function app runs them only through CancellableCommands.
/// </summary>
public sealed class RowStreamUseTests
{
    [Fact]
    public void No_code_of_the_function_app_reads_rows_except_through_RowStream()
    {
        var offenders = FunctionSources("RowStream.cs", new Regex(@"\.ExecuteReader(Async)?\("));
        Assert.True(offenders.Count == 0, $"read rows through RowStream.ReadAsync instead: {string.Join(", ", offenders)}");
    }

    [Fact]
    public void No_code_of_the_function_app_runs_a_cancellable_command_except_through_CancellableCommands()
    {
        // A call without a token (or with CancellationToken.None) cannot be cancelled, so it cannot meet the defect.
        var offenders = FunctionSources("CancellableCommands.cs", new Regex(@"\.Execute(NonQuery|Scalar)Async\((?!\)|CancellationToken\.None\))"));
        Assert.True(offenders.Count == 0, $"run commands through CancellableCommands.RunAsync/ScalarAsync instead: {string.Join(", ", offenders)}");
    }

    private static List<string> FunctionSources(string exempt, Regex pattern) =>
        Directory.EnumerateFiles(Path.Combine(MariaDbScript.RepoRoot, "functions"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Where(f => Path.GetFileName(f) != exempt)
            .Where(f => pattern.IsMatch(File.ReadAllText(f)))
            .Select(f => Path.GetRelativePath(MariaDbScript.RepoRoot, f))
            .ToList();
}
