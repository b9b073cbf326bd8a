using NginxPulse.Functions.Cleaning;
using Xunit;

namespace NginxPulse.Tests.Cleaning;

public class ClientIpResolverTests
{
    private static readonly ClientIpResolver Resolver = new(ClientIpResolver.DefaultTrustedProxies.Select(IpNetwork.Parse).ToList());

    [Theory]
    [InlineData("203.0.113.9", null, null, "203.0.113.9")]                              // direct client
    [InlineData("203.0.113.9", "198.51.100.1", null, "203.0.113.9")]                    // untrusted peer: header ignored
    [InlineData("10.0.0.5", "198.51.100.1", null, "198.51.100.1")]                      // behind a private LB
    [InlineData("10.0.0.5", "198.51.100.1, 10.0.0.4", null, "198.51.100.1")]           // two trusted hops
    [InlineData("10.0.0.5", "6.6.6.6, 198.51.100.1, 10.0.0.4", null, "198.51.100.1")]  // forged left part ignored
    [InlineData("10.0.0.5", "10.0.0.7", null, "10.0.0.7")]                              // all trusted: leftmost
    [InlineData("10.0.0.5", "-", "198.51.100.2", "198.51.100.2")]                       // X-Real-IP from a trusted peer
    [InlineData("10.0.0.2, 10.0.0.1, 127.0.0.1", null, null, "10.0.0.2")]              // chain logged in $remote_addr
    [InlineData("2a03:0000:10ff:f00f:0000:0000:0:8000, 10.225.192.17 10.2.2.121", null, null, "2a03:0:10ff:f00f::8000")]
    [InlineData(" 118.163.2.22", null, null, "118.163.2.22")]
    [InlineData("::ffff:198.51.100.3", null, null, "198.51.100.3")]
    public void Resolves_the_real_client(string remote, string? xff, string? realIp, string expected)
    {
        Assert.Equal(expected, Resolver.Resolve(remote, xff, realIp));
    }

    [Theory]
    [InlineData("unix:")]
    [InlineData("localhost, localhost")]
    [InlineData("1")]
    [InlineData("")]
    public void Unresolvable_addresses_give_null(string remote)
    {
        Assert.Null(Resolver.Resolve(remote, null, null));
    }

    [Fact]
    public void With_no_trusted_proxies_the_peer_is_the_client()
    {
        var strict = new ClientIpResolver([]);
        Assert.Equal("10.0.0.5", strict.Resolve("10.0.0.5", "198.51.100.1", "198.51.100.2"));
    }

    [Theory]
    [InlineData("10.0.0.0/8", "10.255.1.1", true)]
    [InlineData("10.0.0.0/8", "11.0.0.1", false)]
    [InlineData("172.16.0.0/12", "172.31.255.255", true)]
    [InlineData("172.16.0.0/12", "172.32.0.1", false)]
    [InlineData("fc00::/7", "fd12::1", true)]
    [InlineData("192.0.2.1", "192.0.2.1", true)]
    public void Cidr_ranges_contain_what_they_should(string cidr, string address, bool expected)
    {
        Assert.Equal(expected, IpNetwork.Parse(cidr).Contains(System.Net.IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("not-an-ip")]
    public void Invalid_ranges_are_rejected(string cidr)
    {
        Assert.Throws<FormatException>(() => IpNetwork.Parse(cidr));
    }
}
