namespace NginxPulse.Functions.Cli;

/// <summary>`check-format [--log-format NAME|STRING] FILE...`: how much of a file a log_format parses.</summary>
public static class CheckFormatCommand
{
    public static Task<int> RunAsync(string[] args, TextWriter output, CancellationToken ct)
    {
        output.WriteLine("check-format: not implemented yet");
        return Task.FromResult(2);
    }
}
