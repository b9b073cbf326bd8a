using System.Buffers;

namespace NginxPulse.Functions.Cleaning;

/// <summary>Flags crawlers, uptime monitors, scanners and scripts by their User-Agent.</summary>
public static class BotDetector
{
    private static readonly SearchValues<string> Markers = SearchValues.Create(
    [
        "bot", "crawl", "spider", "slurp", "scrap", "fetch", "archiver", "checker", "monitor", "uptime", "pingdom",
        "curl/", "wget", "python-", "python/", "aiohttp", "go-http-client", "java/", "okhttp", "libwww", "lwp-",
        "httpclient", "http_request", "node-fetch", "axios/", "headless", "phantomjs", "facebookexternalhit",
        "mediapartners", "feedparser", "preview", "zgrab", "masscan", "nmap", "nikto", "sqlmap", "nuclei",
        "censys", "expanse", "l9explore", "wordpress/", "apache-httpclient", "postman", "insomnia",
    ], StringComparison.OrdinalIgnoreCase);

    public static bool IsBot(string? userAgent) =>
        !string.IsNullOrEmpty(userAgent) && userAgent.AsSpan().IndexOfAny(Markers) >= 0;
}
