using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NginxPulse.Shipper;
using NginxPulse.Shipper.Configuration;
using NginxPulse.Shipper.Runtime;

ShipperCommandLine commandLine;
try
{
    commandLine = ShipperCommandLine.Parse(args, Environment.GetEnvironmentVariable);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"nginxpulse-shipper: {e.Message}");
    Console.Error.WriteLine(ShipperCommandLine.Usage);
    return 2;
}
if (commandLine.Help)
{
    Console.WriteLine(ShipperCommandLine.Usage);
    return 0;
}

IHost host;
try
{
    host = ShipperHost.Build(commandLine, Console.Error);
}
catch (Exception e) when (e is ShipperConfigurationException or InvalidDataException or FormatException)
{
    Console.Error.WriteLine($"nginxpulse-shipper cannot start: {e.Message}{(e.InnerException is null ? "" : $" ({e.InnerException.Message})")}");
    return 2;
}
using (host)
{
    var exit = host.Services.GetRequiredService<ShipperExit>();
    await host.RunAsync();  // SIGTERM / Ctrl+C: stop reading, flush, save the registry
    return exit.Code;
}
