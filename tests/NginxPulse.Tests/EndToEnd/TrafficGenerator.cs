namespace NginxPulse.Tests.EndToEnd;

/// <summary>Real HTTP requests against the test nginx; counts what nginx answered (so what it logged).</summary>
public sealed class TrafficGenerator(Uri nginx) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = nginx, Timeout = TimeSpan.FromSeconds(10) };
    private long _served;

    public long Served => Interlocked.Read(ref _served);

    /// <summary>Sends <paramref name="count"/> requests, <paramref name="concurrency"/> at a time; <paramref name="path"/>
    /// picks the path of request i.</summary>
    public async Task SendAsync(int count, Func<int, string> path, int concurrency = 8, CancellationToken ct = default)
    {
        var next = -1;
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, path(i));
                request.Headers.Host = WholeSystem.VirtualHosts[i % WholeSystem.VirtualHosts.Length];
                using var response = await _http.SendAsync(request, ct);
                Interlocked.Increment(ref _served);
            }
        });
        await Task.WhenAll(workers);
    }

    /// <summary>Mostly 200s on a few paths, some 404s.</summary>
    public static string Normal(int i) => (i % 10) switch
    {
        < 5 => "/",
        < 7 => $"/api/items/{i % 50}",
        < 9 => $"/static/app.{i % 5}.js",
        _ => $"/missing/{i % 7}",
    };

    public void Dispose() => _http.Dispose();
}
