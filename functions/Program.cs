namespace NginxPulse.Functions;

public static class Program
{
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("not wired yet");
        return 1;
    }
}
