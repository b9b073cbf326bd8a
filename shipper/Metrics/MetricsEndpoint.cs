using System.Net;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NginxPulse.Shipper.Configuration;

namespace NginxPulse.Shipper.Metrics;

/// <summary>Serves GET /metrics on the configured loopback port (HttpListener: a scrape endpoint needs no web stack).</summary>
public sealed class MetricsEndpoint(ShipperOptions options, PrometheusText prometheus, ILogger<MetricsEndpoint> logger) : BackgroundService
{
    // Serving is a method of its own so that an agent without metrics never loads the HTTP listener's assembly.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        options.Metrics.Port == 0 ? Task.CompletedTask : ServeAsync(stoppingToken);

    private async Task ServeAsync(CancellationToken stoppingToken)
    {
        using var listener = new HttpListener();
        var prefix = $"http://{ListenHost(IPAddress.Parse(options.Metrics.BindAddress))}:{options.Metrics.Port}/";
        listener.Prefixes.Add(prefix);
        try
        {
            listener.Start();
        }
        catch (HttpListenerException e)
        {
            logger.LogError("Metrics endpoint {Prefix}metrics cannot listen: {Reason}; shipping goes on without it", prefix, e.Message);
            return;
        }
        logger.LogInformation("Metrics at {Prefix}metrics", prefix);
        await using var registration = stoppingToken.Register(listener.Stop);
        while (!stoppingToken.IsCancellationRequested)
        {
            HttpListenerContext request;
            try
            {
                request = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;  // stopped
            }
            await AnswerAsync(request);
        }
    }

    // HttpListener matches requests by host name: "any address" must be its wildcard, or no Host header matches.
    private static string ListenHost(IPAddress address) =>
        address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) ? "*"
        : address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();

    private async Task AnswerAsync(HttpListenerContext request)
    {
        using var response = request.Response;
        if (request.Request.Url?.AbsolutePath != "/metrics")
        {
            response.StatusCode = 404;
            return;
        }
        var body = Encoding.UTF8.GetBytes(prometheus.Render());
        response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        response.ContentLength64 = body.Length;
        try
        {
            await response.OutputStream.WriteAsync(body);
        }
        catch (HttpListenerException)
        {
            // The scraper went away; the next scrape gets a fresh answer.
        }
    }
}
