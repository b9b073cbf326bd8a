using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NginxPulse.Functions.Hosting;

namespace NginxPulse.Tests.Hosting;

/// <summary>The real app (Kestrel on a free loopback port) started in-process, the way Program starts it.</summary>
internal sealed class RunningApp : IAsyncDisposable
{
    private readonly WebApplication app;

    private RunningApp(WebApplication app, Uri address)
    {
        this.app = app;
        Address = address;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri Address { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => app.Services;

    /// <summary>Settings go in as command-line arguments, so parallel tests never share environment variables.</summary>
    public static WebApplicationBuilder CreateBuilder(string appRoot, bool customHandler, IDictionary<string, string>? settings = null)
    {
        var args = new List<string> { $"--{AppRoot.Setting}={appRoot}" };
        args.Add(customHandler ? "--FUNCTIONS_CUSTOMHANDLER_PORT=0" : "--NginxPulseHttpUrl=http://127.0.0.1:0");
        args.AddRange((settings ?? new Dictionary<string, string>()).Select(kv => $"--{kv.Key}={kv.Value}"));
        var builder = FunctionApp.CreateBuilder(args.ToArray());
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        return builder;
    }

    public static async Task<RunningApp> StartAsync(WebApplicationBuilder builder)
    {
        var app = FunctionApp.Build(builder);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new RunningApp(app, new Uri(address));
    }

    private int disposed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1) return;
        Http.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
