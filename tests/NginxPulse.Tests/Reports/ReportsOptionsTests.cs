using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NginxPulse.Functions.Reports;
using NginxPulse.Functions.Reports.Held;
using Xunit;

namespace NginxPulse.Tests.Reports;

public sealed class ReportsOptionsTests
{
    private static ReportsOptions Bind(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();
        var services = new ServiceCollection();
        services.AddReports(configuration);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<ReportsOptions>>().Value;
    }

    [Fact]
    public void The_bounds_come_from_the_Reports_section()
    {
        var options = Bind(("Reports:MaxRange", "7.00:00:00"), ("Reports:MaxLimit", "50"), ("Reports:MaxBuckets", "300"), ("Reports:QueryTimeout", "00:00:05"));

        Assert.Equal((TimeSpan.FromDays(7), 50, 300, TimeSpan.FromSeconds(5)), (options.MaxRange, options.MaxLimit, options.MaxBuckets, options.QueryTimeout));
    }

    [Theory]
    [InlineData("Reports:MaxRange", "00:00:30")]
    [InlineData("Reports:MaxLimit", "0")]
    [InlineData("Reports:MaxBuckets", "-1")]
    [InlineData("Reports:QueryTimeout", "00:00:00")]
    [InlineData("Reports:SliceCacheMegabytes", "-1")]
    [InlineData("Reports:DayClientsCacheMegabytes", "-1")]
    [InlineData("Reports:HoldAheadRanges", "15m,1q")]
    [InlineData("Reports:HoldAheadRanges", "0m")]
    [InlineData("Reports:HoldAheadRanges", "1h,32d")]
    [InlineData("Reports:HoldAheadInterval", "00:00:00")]
    public void A_bad_bound_fails_naming_the_setting(string key, string value)
    {
        var e = Assert.Throws<OptionsValidationException>(() => Bind((key, value)));

        Assert.Contains(key, e.Message);
    }

    [Fact]
    public void The_memory_for_held_rows_comes_from_the_Reports_section_and_defaults_to_256_MB_each()
    {
        Assert.Equal((256, 256), (Bind().SliceCacheMegabytes, Bind().DayClientsCacheMegabytes));
        var options = Bind(("Reports:SliceCacheMegabytes", "0"), ("Reports:DayClientsCacheMegabytes", "64"));

        Assert.Equal((0, 64), (options.SliceCacheMegabytes, options.DayClientsCacheMegabytes));
    }

    [Fact]
    public void The_ranges_held_ahead_are_the_dashboards_presets_up_to_a_day_every_30_seconds_unless_set()
    {
        Assert.Equal("15m,1h,6h,24h", Bind().HoldAheadRanges);
        Assert.Equal(TimeSpan.FromSeconds(30), Bind().HoldAheadInterval);
        Assert.Equal([TimeSpan.FromMinutes(15), TimeSpan.FromHours(1), TimeSpan.FromHours(6), TimeSpan.FromDays(1)], HeldAhead.Ranges(Bind()));
        Assert.Equal([TimeSpan.FromMinutes(90), TimeSpan.FromDays(7)], HeldAhead.Ranges(Bind(("Reports:HoldAheadRanges", " 90m , 7d "))));
        Assert.Empty(HeldAhead.Ranges(Bind(("Reports:HoldAheadRanges", ""))));
    }
}
