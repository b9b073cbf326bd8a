using NginxPulse.Functions.Cleaning;
using NginxPulse.Functions.Parsing;
using NginxPulse.Functions.Storage;
using Xunit;

namespace NginxPulse.Tests.Cleaning;

public class RecordCleanerTests
{
    private static readonly RecordCleaner Cleaner = new(new ClientIpResolver(ClientIpResolver.DefaultTrustedProxies.Select(IpNetwork.Parse).ToList()));

    [Theory]
    [InlineData("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", true)]
    [InlineData("ELB-HealthChecker/2.0", true)]
    [InlineData("curl/8.5.0", true)]
    [InlineData("python-requests/2.31", true)]
    [InlineData("Mozilla/5.0 (compatible; GPTBot/1.2)", true)]
    [InlineData("Sogou web spider/4.0", true)]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36", false)]
    [InlineData(null, false)]
    public void Bots_are_flagged_by_user_agent(string? ua, bool bot)
    {
        Assert.Equal(bot, BotDetector.IsBot(ua));
    }

    [Theory]
    [InlineData("WWW.Example.COM:8080", "www.example.com")]
    [InlineData("example.com.", "example.com")]
    [InlineData("[2001:db8::1]:443", "[2001:db8::1]")]
    [InlineData("-", "")]
    [InlineData("_", "")]
    public void Vhosts_are_normalised(string raw, string expected)
    {
        Assert.Equal(expected, RecordCleaner.NormalizeVhost(raw));
    }

    [Fact]
    public void Oversized_fields_are_cut_at_the_store_boundary_and_flagged_without_splitting_a_character()
    {
        var r = new AccessRecord { RemoteAddr = "1.2.3.4", Path = "/" + new string('a', AccessRecordLimits.Path - 2) + "😀", UserAgent = new string('u', 5000) };
        var stored = AccessRecordLimits.Normalize(r);
        Assert.True(stored.Flags.HasFlag(RecordFlags.FieldTruncated));
        Assert.Equal(AccessRecordLimits.Path - 1, stored.Path!.Length);
        Assert.False(char.IsHighSurrogate(stored.Path[^1]));
        Assert.Equal(AccessRecordLimits.UserAgent, stored.UserAgent!.Length);
    }

    [Fact]
    public void Unresolvable_client_is_flagged()
    {
        var r = new AccessRecord { RemoteAddr = "unix:" };
        Cleaner.Clean(r);
        Assert.Null(r.ClientIp);
        Assert.True(r.Flags.HasFlag(RecordFlags.ClientIpUnresolved));
    }
}
