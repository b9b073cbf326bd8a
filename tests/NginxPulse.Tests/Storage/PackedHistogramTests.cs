using NginxPulse.Functions.Storage;
using Xunit;

namespace NginxPulse.Tests.Storage;

public sealed class PackedHistogramTests
{
    private static long[] Dense(params (int Bucket, long Count)[] pairs)
    {
        var counts = new long[LatencyHistogram.BucketCount];
        foreach (var (bucket, count) in pairs) counts[bucket] += count;
        return counts;
    }

    private static long[] Unpack(byte[] packed)
    {
        var counts = new long[LatencyHistogram.BucketCount];
        PackedHistogram.AddTo(packed, counts);
        return counts;
    }

    [Fact]
    public void A_histogram_round_trips_through_its_packed_form()
    {
        var random = new Random(5);
        for (var i = 0; i < 200; i++)
        {
            var counts = new long[LatencyHistogram.BucketCount];
            for (var n = random.Next(0, 120); n > 0; n--) counts[random.Next(counts.Length)] += random.NextInt64(1, 1L << random.Next(1, 62));
            Assert.Equal(counts, Unpack(PackedHistogram.Pack(counts)));
        }
    }

    [Fact]
    public void The_format_is_a_version_byte_then_ascending_bucket_and_count_varints()
    {
        var packed = PackedHistogram.Pack(Dense((3, 10), (0, 1), (200, 300)));

        // 200 = 0xC8 -> C8 01; 300 = 0x12C -> AC 02.
        Assert.Equal(new byte[] { 1, 0, 1, 3, 10, 0xC8, 0x01, 0xAC, 0x02 }, packed);
    }

    [Fact]
    public void The_empty_histogram_is_the_version_byte_alone_and_adds_nothing()
    {
        Assert.Equal(new byte[] { PackedHistogram.FormatVersion }, PackedHistogram.Pack(new long[LatencyHistogram.BucketCount]));
        Assert.Equal(PackedHistogram.Empty, PackedHistogram.Pack([]));
        Assert.Equal(new long[LatencyHistogram.BucketCount], Unpack(PackedHistogram.Empty));
        var counts = new LatencyCounts();
        counts.AddPacked(PackedHistogram.Empty);
        Assert.Equal(0, counts.Total);
        Assert.Null(counts.Percentile(0.5));
    }

    [Fact]
    public void Every_bucket_and_the_largest_count_survive_packing()
    {
        // Every bucket, with counts whose sum still fits a long: 8-byte counts, 2-byte buckets from 128 on.
        var every = Enumerable.Repeat(1L << 54, LatencyHistogram.BucketCount).ToArray();
        var packed = PackedHistogram.Pack(every);
        Assert.Equal(1 + 128 * (1 + 8) + (LatencyHistogram.BucketCount - 128) * (2 + 8), packed.Length);
        Assert.Equal(every, Unpack(packed));

        // The largest count takes nine bytes.
        var largest = Dense((LatencyHistogram.BucketCount - 1, long.MaxValue));
        packed = PackedHistogram.Pack(largest);
        Assert.Equal(1 + 2 + 9, packed.Length);
        Assert.Equal(largest, Unpack(packed));
    }

    [Fact]
    public void Merging_adds_the_counts_of_both_histograms()
    {
        var a = PackedHistogram.Pack(Dense((1, 2), (40, 5)));
        var b = PackedHistogram.Pack(Dense((40, 1), (447, 7)));

        Assert.Equal(PackedHistogram.Pack(Dense((1, 2), (40, 6), (447, 7))), PackedHistogram.Merge(a, b));
        Assert.Equal(a, PackedHistogram.Merge(a, PackedHistogram.Empty));
    }

    [Fact]
    public void A_sum_beyond_the_largest_count_is_an_overflow_not_a_wrap()
    {
        var full = PackedHistogram.Pack(Dense((9, long.MaxValue)));

        Assert.Throws<OverflowException>(() => PackedHistogram.Merge(full, PackedHistogram.Pack(Dense((9, 1)))));
    }

    [Theory]
    [InlineData(new byte[0], "no bytes")]
    [InlineData(new byte[] { 2, 0, 1 }, "Unknown packed histogram format 2")]
    [InlineData(new byte[] { 1, 5 }, "ends after bucket 5")]
    [InlineData(new byte[] { 1, 5, 0x81 }, "ends inside the number that starts at byte 2")]
    [InlineData(new byte[] { 1, 5, 0 }, "count 0 at byte 2 is out of range")]
    [InlineData(new byte[] { 1, 0xC0, 0x03, 1 }, "bucket 448 at byte 1 is out of range")]
    [InlineData(new byte[] { 1, 5, 1, 5, 1 }, "bucket 5 at byte 3 does not follow bucket 5")]
    [InlineData(new byte[] { 1, 7, 1, 5, 1 }, "bucket 5 at byte 3 does not follow bucket 7")]
    [InlineData(new byte[] { 1, 0x85, 0x00, 1 }, "not in its shortest form")]
    [InlineData(new byte[] { 1, 1, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }, "longer than 9 bytes")]
    public void Corrupt_bytes_are_rejected_with_the_reason(byte[] packed, string reason)
    {
        var error = Assert.Throws<InvalidDataException>(() => PackedHistogram.AddTo(packed, new long[LatencyHistogram.BucketCount]));

        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void Percentiles_of_summed_packed_rows_equal_those_of_the_same_counts_by_bucket()
    {
        var random = new Random(9);
        var byBucket = new Dictionary<int, long>();
        var summed = new LatencyCounts();
        for (var row = 0; row < 50; row++)
        {
            var counts = new long[LatencyHistogram.BucketCount];
            for (var n = 0; n < 30; n++)
            {
                var bucket = LatencyHistogram.Bucket(random.Next(0, 5000));
                counts[bucket]++;
                byBucket[bucket] = byBucket.GetValueOrDefault(bucket) + 1;
            }
            summed.AddPacked(PackedHistogram.Pack(counts));
        }

        Assert.Equal(1500, summed.Total);
        foreach (var q in new[] { 0.0, 0.5, 0.95, 0.99, 1.0 })
            Assert.Equal(LatencyHistogram.Percentile(byBucket, q), summed.Percentile(q));
    }
}
