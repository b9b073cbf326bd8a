using NginxPulse.Functions.Alerts.Evaluation;
using Xunit;

namespace NginxPulse.Tests.Alerts;

public sealed class IngestWatermarkTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 30, 20, TimeSpan.Zero);
    private static readonly TimeSpan Delay = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan MaxLag = TimeSpan.FromMinutes(10);

    private static DateTime At(int minute) => new(2026, 11, 21, 12, minute, 0, DateTimeKind.Utc);

    private static DateTime End(params (string Host, int Minute)[] hosts) =>
        IngestWatermark.Compute(hosts.ToDictionary(h => h.Host, h => At(h.Minute)), Now, Delay, MaxLag).End;

    [Fact]
    public void Caught_up_ingest_is_evaluated_up_to_the_wall_clock_minus_the_delay() => Assert.Equal(At(29), End(("a", 30), ("b", 30)));

    [Fact]
    public void The_newest_stored_minute_of_a_lagging_pipeline_is_never_evaluated() => Assert.Equal(At(27), End(("a", 27), ("b", 27)));

    [Fact]
    public void The_slowest_live_host_holds_the_watermark_back() => Assert.Equal(At(25), End(("a", 30), ("b", 25)));

    [Fact]
    public void A_host_further_behind_than_the_lag_limit_is_silent_and_does_not_hold_the_others() => Assert.Equal(At(29), End(("a", 30), ("silent", 10)));

    [Fact]
    public void When_nothing_arrives_for_longer_than_the_lag_limit_the_wall_clock_decides() => Assert.Equal(At(29), End(("a", 15)));

    [Fact]
    public void With_no_data_at_all_the_wall_clock_decides() => Assert.Equal(At(29), End());

    [Theory]
    [InlineData(10, 29)]
    [InlineData(15, 30)]
    [InlineData(59, 30)]
    public void A_minute_is_evaluated_once_the_ingestion_delay_has_passed_after_its_end(int second, int end)
    {
        var hosts = new Dictionary<string, DateTime> { ["a"] = At(31) };
        var now = new DateTimeOffset(2026, 11, 21, 12, 30, second, TimeSpan.Zero);

        Assert.Equal(At(end), IngestWatermark.Compute(hosts, now, TimeSpan.FromSeconds(15), MaxLag).End);
    }
}
