using System.Security.Cryptography;
using NginxPulse.Shipper.Files;
using Xunit;

namespace NginxPulse.Shipper.Tests;

/// <summary>The fingerprint hash must stay the standard SHA-256, or every file would get a new identity after an upgrade.</summary>
public sealed class Sha256Tests
{
    [Fact]
    public void Equals_the_platform_sha256_for_every_length_around_the_block_boundaries()
    {
        var random = new Random(20261121);
        for (var length = 0; length <= 300; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);
            Assert.Equal(SHA256.HashData(data), Sha256.Hash(data));
        }
    }

    [Fact]
    public void Matches_the_published_test_vector()
    {
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Convert.ToHexStringLower(Sha256.Hash("abc"u8)));
    }
}
