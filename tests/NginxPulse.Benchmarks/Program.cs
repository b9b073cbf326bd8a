using NginxPulse.Benchmarks;
using NginxPulse.Tests.Support;

// Measurements, not tests (never run by CI):
//   dotnet run -c Release --project tests/NginxPulse.Benchmarks -- parse [--runs N] FILE...
//   dotnet run -c Release --project tests/NginxPulse.Benchmarks -- store [records=200000] [batch=10000, host.json's maxBatchSize] [rounds=5] [--sequential: also the store one batch after the other]
//   dotnet run -c Release --project tests/NginxPulse.Benchmarks -- reports [rows=10000000] [runs=20] [clients=0: the builder's 254] [rollups: skip raw-row reports] [--realistic: thousands of paths, ...] [--toplists: only the top lists] [--keep: leave the database] [--no-raw-toplists: skip timing the top lists before slices] [--reuse NAME: time a kept database again] [--only TEXT: only the slice cases whose label contains it] [--nothing-held: every call reads the database, as a replica that has not read the slices and day sets yet] [--held-ahead: run HeldAhead once first]
//     (store and reports use the MariaDB in MYSQL_CONNECTION, or start and stop a private one with infra/local/mariadb)
//   dotnet run -c Release --project tests/NginxPulse.Benchmarks -- ship [--lines N] [--runs N] [--tail-rate L] [--tail-seconds S]
//     (the shipper against kcat and rsyslog imfile+omkafka on one local broker)
return args.FirstOrDefault() switch
{
    "parse" => await ParseBenchmark.RunAsync(args[1..]),
    "store" => await WithServerAsync(server => new StoreBenchmark(server, IntArg(Positional(args), 1, 200_000), IntArg(Positional(args), 2, 10_000), IntArg(Positional(args), 3, 5), args.Contains("--sequential")).RunAsync(CancellationToken.None)),
    "reports" => await WithServerAsync(server => new ReportsBenchmark(server, IntArg(args, 1, 10_000_000), IntArg(args, 2, 20), IntArg(args, 3, 0), args.Length > 4 && args[4] == "rollups", args.Contains("--realistic"), args.Contains("--toplists"), args.Contains("--keep"), args.Contains("--no-raw-toplists"), Option(args, "--reuse"), Option(args, "--only"), heldInMemory: !args.Contains("--nothing-held"), holdAhead: args.Contains("--held-ahead")).RunAsync(CancellationToken.None)),
    "ship" => await NginxPulse.Benchmarks.Ship.ShipBenchmark.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: NginxPulse.Benchmarks parse [--runs N] FILE... | store [records=200000] [batch=10000] [rounds=5] [--sequential] | reports [rows=10000000] [runs=20] [clients=0] [rollups] [--realistic] [--toplists] [--keep] [--no-raw-toplists] [--reuse NAME] [--only TEXT] [--nothing-held] [--held-ahead] | ship [--lines N] [--runs N] ...");
    return 2;
}

static string[] Positional(string[] args) => args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();

static string? Option(string[] args, string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

static int IntArg(string[] args, int index, int fallback) => args.Length > index ? int.Parse(args[index]) : fallback;

static async Task<int> WithServerAsync(Func<string, Task> benchmark)
{
    var server = Environment.GetEnvironmentVariable("MYSQL_CONNECTION");
    string? privateDir = null;
    if (string.IsNullOrWhiteSpace(server))
    {
        privateDir = Path.Combine(Path.GetTempPath(), $"nginxpulse-bench-mariadb-{Environment.ProcessId}");
        server = await MariaDbScript.StartAsync(privateDir, LoopbackPort.Free());
        Console.WriteLine($"started a private MariaDB in {privateDir}");
    }
    try
    {
        await benchmark(server);
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
