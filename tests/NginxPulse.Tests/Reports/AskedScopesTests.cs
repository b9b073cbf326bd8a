using NginxPulse.Functions.Reports.Held;
using Xunit;

namespace NginxPulse.Tests.Reports;

/// <summary>The filters <see cref="HeldAhead"/> reads ahead: those asked for lately, most recent first, at most 16.</summary>
public sealed class AskedScopesTests
{
    private sealed class Clock : TimeProvider
    {
        public DateTime UtcNow { get; set; } = new(2026, 11, 21, 12, 0, 0, DateTimeKind.Utc);
        public override DateTimeOffset GetUtcNow() => new(UtcNow, TimeSpan.Zero);
    }

    [Fact]
    public void Filters_asked_since_a_time_come_most_recent_first_and_the_whole_site_is_not_noted()
    {
        var clock = new Clock();
        var asked = new AskedScopes(clock);
        asked.Note("www", null);
        clock.UtcNow = clock.UtcNow.AddHours(1);
        asked.Note(null, "web-01");
        asked.Note(null, null);
        clock.UtcNow = clock.UtcNow.AddHours(1);
        asked.Note("www", "web-01");

        Assert.Equal([("www", "web-01"), (null, "web-01"), ("www", null)], asked.Since(clock.UtcNow.AddDays(-1)));
        Assert.Equal([("www", "web-01"), (null, "web-01")], asked.Since(clock.UtcNow.AddMinutes(-61)));
        clock.UtcNow = clock.UtcNow.AddMinutes(1);
        asked.Note("www", null);   // asked again: the most recent now
        Assert.Equal(("www", null), asked.Since(clock.UtcNow.AddDays(-1))[0]);
    }

    [Fact]
    public void Only_the_16_most_recent_are_kept()
    {
        var clock = new Clock();
        var asked = new AskedScopes(clock);
        for (var i = 0; i < 20; i++)
        {
            asked.Note($"vhost-{i}", null);
            clock.UtcNow = clock.UtcNow.AddSeconds(1);
        }

        Assert.Equal(Enumerable.Range(4, 16).Reverse().Select(i => ((string?)$"vhost-{i}", (string?)null)), asked.Since(DateTime.MinValue));
    }
}
