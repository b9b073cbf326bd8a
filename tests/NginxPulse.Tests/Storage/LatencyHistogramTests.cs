using NginxPulse.Functions.Storage;
using Xunit;

namespace NginxPulse.Tests.Storage;

public sealed class LatencyHistogramTests
{
    [Fact]
    public void Every_value_falls_inside_its_bucket_and_buckets_are_contiguous()
    {
        var values = Enumerable.Range(0, 5000).Concat(Enumerable.Range(0, 31).Select(e => 1 << e)).Append(int.MaxValue);
        foreach (var v in values)
        {
            var (lower, upper) = LatencyHistogram.Bounds(LatencyHistogram.Bucket(v));
            Assert.InRange(v, lower, upper - 1);
        }
        for (var b = 1; b < LatencyHistogram.BucketCount; b++)
            Assert.Equal(LatencyHistogram.Bounds(b - 1).Upper, LatencyHistogram.Bounds(b).Lower);
        Assert.Equal(LatencyHistogram.BucketCount - 1, LatencyHistogram.Bucket(int.MaxValue));
    }

    [Fact]
    public void A_bucket_is_never_wider_than_a_sixteenth_of_its_values()
    {
        for (var b = 32; b < LatencyHistogram.BucketCount; b++)
        {
            var (lower, upper) = LatencyHistogram.Bounds(b);
            Assert.True(upper - lower <= lower / 16.0, $"bucket {b} [{lower}, {upper})");
        }
    }

    public static TheoryData<string> Distributions => ["lognormal", "bimodal", "uniform", "constant", "small"];

    [Theory]
    [MemberData(nameof(Distributions))]
    public void Percentiles_are_within_ten_percent_of_the_exact_ones(string distribution)
    {
        var rnd = new Random(42);
        var values = Enumerable.Range(0, 20_000).Select(_ => Sample(distribution, rnd)).ToArray();
        var counts = values.GroupBy(LatencyHistogram.Bucket).ToDictionary(g => g.Key, g => (long)g.Count());
        Array.Sort(values);

        foreach (var q in new[] { 0.5, 0.9, 0.95, 0.99, 0.999 })
        {
            var exact = values[(int)Math.Ceiling(q * values.Length) - 1];   // nearest rank
            var estimate = LatencyHistogram.Percentile(counts, q)!.Value;
            Assert.True(Math.Abs(estimate - exact) <= Math.Max(0.10 * exact, 1.0),
                $"{distribution} p{q * 100}: estimate {estimate:0.0} vs exact {exact}");
        }
    }

    [Fact]
    public void An_empty_histogram_has_no_percentile_and_bad_quantiles_are_rejected()
    {
        Assert.Null(LatencyHistogram.Percentile(new Dictionary<int, long>(), 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => LatencyHistogram.Percentile(new Dictionary<int, long> { [3] = 1 }, 1.5));
    }

    private static int Sample(string distribution, Random rnd) => distribution switch
    {
        "lognormal" => (int)Math.Exp(Math.Log(40) + 1.2 * Normal(rnd)),
        "bimodal" => rnd.Next(10) < 8 ? (int)Math.Exp(Math.Log(3) + 0.5 * Normal(rnd)) : (int)Math.Exp(Math.Log(800) + 0.4 * Normal(rnd)),
        "uniform" => rnd.Next(0, 5000),
        "constant" => 250,
        "small" => rnd.Next(0, 8),
        _ => throw new ArgumentOutOfRangeException(nameof(distribution)),
    };

    private static double Normal(Random rnd) => Math.Sqrt(-2.0 * Math.Log(1.0 - rnd.NextDouble())) * Math.Cos(2 * Math.PI * rnd.NextDouble());
}
