using NginxPulse.Benchmarks;
using NginxPulse.Tests.Support;

// dotnet run -c Release --project tests/NginxPulse.Benchmarks -- store [records] [batch size]
// Uses the MariaDB in MYSQL_CONNECTION, or starts (and stops) a private one with infra/local/mariadb.
if (args.Length == 0 || args[0] != "store")
{
    Console.Error.WriteLine("usage: NginxPulse.Benchmarks store [records=200000] [batch=1000]");
    return 2;
}

var records = args.Length > 1 ? int.Parse(args[1]) : 200_000;
var batch = args.Length > 2 ? int.Parse(args[2]) : 1000;
var server = Environment.GetEnvironmentVariable("MYSQL_CONNECTION");
string? privateDir = null;
if (string.IsNullOrWhiteSpace(server))
{
    privateDir = Path.Combine(Path.GetTempPath(), $"nginxpulse-bench-mariadb-{Environment.ProcessId}");
    server = await MariaDbScript.StartAsync(privateDir, MariaDbScript.FreePort());
    Console.WriteLine($"started a private MariaDB in {privateDir}");
}

try
{
    await new StoreBenchmark(server, records, batch).RunAsync(CancellationToken.None);
    return 0;
}
finally
{
    if (privateDir is not null)
    {
        await MariaDbScript.StopAsync(privateDir);
        Directory.Delete(privateDir, recursive: true);
    }
}
