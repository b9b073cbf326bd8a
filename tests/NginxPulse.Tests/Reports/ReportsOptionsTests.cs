using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NginxPulse.Functions.Reports;
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
}
