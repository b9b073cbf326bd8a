using NginxPulse.KafkaMock;

// A long-running local Kafka test broker (librdkafka's mock cluster) for the demo, the tests and other processes:
// it prints its bootstrap list on stdout and logs on stderr, so `broker > bootstrap.txt` stays clean.
if (args is ["--help"] or ["-h"])
{
    Console.WriteLine(BrokerOptions.Usage);
    return 0;
}

BrokerOptions options;
try
{
    options = BrokerOptions.Parse(args, Environment.GetEnvironmentVariable);
}
catch (UsageException e)
{
    Console.Error.WriteLine($"kafka-mock: {e.Message}");
    Console.Error.WriteLine(BrokerOptions.Usage);
    return 2;
}

using var shutdown = new ShutdownSignal();
try
{
    await new BrokerHost(options, Console.Out, Console.Error).RunAsync(shutdown.Token);
}
catch (DllNotFoundException e)
{
    Console.Error.WriteLine($"kafka-mock: cannot load librdkafka.so.1 ({e.Message}); install it with: apt-get install -y librdkafka1");
    return 1;
}
catch (InvalidOperationException e)
{
    Console.Error.WriteLine($"kafka-mock: {e.Message}");
    return 1;
}
Console.Error.WriteLine($"kafka-mock: stopped after {shutdown.Received}");
return 0;
