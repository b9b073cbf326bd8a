namespace NginxPulse.Functions;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "check-format")
            return await Cli.CheckFormatCommand.RunAsync(args[1..], Console.Out, CancellationToken.None);
        Console.Error.WriteLine("not wired yet");
        return 1;
    }
}
