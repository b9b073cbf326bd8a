using NginxPulse.Benchmarks;

return args.FirstOrDefault() switch
{
    "parse" => await ParseBenchmark.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: NginxPulse.Benchmarks parse [--runs N] FILE...");
    return 2;
}
