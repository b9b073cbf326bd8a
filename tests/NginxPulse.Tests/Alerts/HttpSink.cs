using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace NginxPulse.Tests.Alerts;

/// <summary>A real HTTP endpoint on 127.0.0.1 that records every request and answers with the status the test chooses per request number.</summary>
internal sealed class HttpSink : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<CapturedRequest> _requests = new();

    private HttpSink(WebApplication app) => _app = app;

    public Uri Address { get; private set; } = null!;

    public IReadOnlyList<CapturedRequest> Requests => _requests.ToList();

    /// <param name="status">Status for the n-th request (1-based).</param>
    /// <param name="delay">How long to wait before answering the n-th request.</param>
    public static async Task<HttpSink> StartAsync(Func<int, int> status, Func<int, TimeSpan>? delay = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var sink = new HttpSink(app);
        var count = 0;
        app.Run(async context =>
        {
            var n = Interlocked.Increment(ref count);
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            sink._requests.Enqueue(new CapturedRequest(context.Request.Method, context.Request.Path + context.Request.QueryString,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body));
            if (delay?.Invoke(n) is { } wait && wait > TimeSpan.Zero) await Task.Delay(wait, context.RequestAborted);
            context.Response.StatusCode = status(n);
            await context.Response.WriteAsync(context.Response.StatusCode >= 400 ? "{\"errors\":[{\"message\":\"try later\"}]}" : "");
        });
        await app.StartAsync();
        sink.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        return sink;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

internal sealed record CapturedRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, string Body);
