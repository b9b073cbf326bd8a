using NginxPulse.Functions.Parsing;

namespace NginxPulse.Benchmarks;

/// <summary>
/// Rewrites the builder's low-cardinality fields (10 paths, 6 agents, 1 referrer, 254 clients) into a realistic spread:
/// thousands of paths, tens of thousands of clients and hundreds of agents and referrers, each drawn with a Zipf-like
/// skew (a few values take most requests, a long tail takes the rest). Deterministic per line.
/// </summary>
internal sealed class RealisticCardinality
{
    public const int Paths = 5_000;
    public const int Clients = 50_000;
    public const int Agents = 300;
    public const int Referrers = 200;

    private readonly double[] _paths = Cumulative(Paths, 1.0);
    private readonly double[] _clients = Cumulative(Clients, 0.8);
    private readonly double[] _agents = Cumulative(Agents, 1.1);
    private readonly double[] _referrers = Cumulative(Referrers, 1.0);

    public AccessRecord Apply(AccessRecord record, long line, bool clients)
    {
        var rnd = new Random(unchecked((int)(line * 0x5851F42D) ^ 0x2545F491));
        var path = Draw(_paths, rnd);
        record.Path = path switch
        {
            < 1_000 => $"/api/v1/resource{path % 40}/{path}",
            < 3_000 => $"/static/assets/{path}/bundle.js",
            _ => $"/blog/{2020 + path % 6}/post-{path}",
        };
        if (clients)
        {
            var client = Draw(_clients, rnd);
            var ip = $"10.{client >> 16 & 255}.{client >> 8 & 255}.{client & 255}";
            record.RemoteAddr = ip;
            record.ClientIp = ip;
        }
        if ((record.Flags & RecordFlags.Bot) == 0)
            record.UserAgent = $"Mozilla/5.0 (X11; Linux x86_64; variant {Draw(_agents, rnd)}) Gecko/20100101 Firefox/121.0";
        if (record.Referer is not null)
            record.Referer = $"https://site{Draw(_referrers, rnd)}.example.net/page";
        return record;
    }

    private static int Draw(double[] cumulative, Random rnd)
    {
        var index = Array.BinarySearch(cumulative, rnd.NextDouble() * cumulative[^1]);
        return index >= 0 ? index : Math.Min(~index, cumulative.Length - 1);
    }

    private static double[] Cumulative(int count, double exponent)
    {
        var cumulative = new double[count];
        double sum = 0;
        for (var i = 0; i < count; i++) cumulative[i] = sum += 1 / Math.Pow(i + 1, exponent);
        return cumulative;
    }
}
