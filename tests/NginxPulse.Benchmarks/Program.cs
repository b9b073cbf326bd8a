using NginxPulse.Benchmarks;
using NginxPulse.Tests.Support;

// Measurements, not tests (never run by CI):
//   dotnet run -c Release --project tests/NginxPulse.Benchmarks -- parse [--runs N] FILE...
//   dotnet run -c Release --project tests/NginxPulse.Benchmarks -- store [records=200000] [batch=1000]
//     (uses the MariaDB in MYSQL_CONNECTION, or starts and stops a private one with infra/local/mariadb)
//   dotnet run -c Release --project tests/NginxPulse.Benchmarks -- ship [--lines N] [--runs N] [--tail-rate L] [--tail-seconds S]
//     (the shipper against kcat and rsyslog imfile+omkafka on one local broker; see docs-drafts/shipper-bench.md)
return args.FirstOrDefault() switch
{
    "parse" => await ParseBenchmark.RunAsync(args[1..]),
    "store" => await RunStoreAsync(args[1..]),
    "ship" => await NginxPulse.Benchmarks.Ship.ShipBenchmark.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: NginxPulse.Benchmarks parse [--runs N] FILE... | store [records=200000] [batch=1000] | ship [--lines N] [--runs N] ...");
    return 2;
}

static async Task<int> RunStoreAsync(string[] args)
{
    var records = args.Length > 0 ? int.Parse(args[0]) : 200_000;
    var batch = args.Length > 1 ? int.Parse(args[1]) : 1000;
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
}
