using NginxPulse.Functions.Reports.Queries;
using Xunit;

namespace NginxPulse.Tests.Reports;

/// <summary><see cref="PackedClientKeys"/>: 16 hex digits per key, as MariaDB's LPAD(HEX(key), 16, '0') writes them.</summary>
public sealed class PackedClientKeysTests
{
    [Fact]
    public void Each_16_hex_digits_are_one_key_the_full_64_bits_included()
    {
        var keys = new HashSet<ulong>();

        PackedClientKeys.AddTo(keys, "000000000000002AFFFFFFFFFFFFFFFF8000000000000000", 3);

        Assert.Equal([42UL, 1UL << 63, ulong.MaxValue], keys.Order());
    }

    [Theory]
    [InlineData("000000000000002A0000000000000", 2)]   // cut inside a key
    [InlineData("000000000000002A", 2)]                // a whole key missing
    public void A_list_cut_short_is_an_error_not_fewer_visitors(string packed, long count)
    {
        var e = Assert.Throws<InvalidOperationException>(() => PackedClientKeys.AddTo([], packed, count));

        Assert.Contains("cut short", e.Message, StringComparison.Ordinal);
    }
}
