using NginxPulse.Functions.Alerts.Rules;
using Xunit;

namespace NginxPulse.Tests.Alerts;

public sealed class AlertConditionTests
{
    [Theory]
    [InlineData(100.5, true)]
    [InlineData(100, false)]
    [InlineData(0, false)]
    public void Above_breaches_only_strictly_above(double value, bool breached) => Assert.Equal(breached, AlertCondition.Above(100).IsBreachedBy(value));

    [Theory]
    [InlineData(0.5, true)]
    [InlineData(1, false)]
    [InlineData(5, false)]
    public void Below_breaches_only_strictly_below(double value, bool breached) => Assert.Equal(breached, AlertCondition.Below(1).IsBreachedBy(value));

    [Theory]
    [InlineData(9, true)]
    [InlineData(10, false)]
    [InlineData(50, false)]
    [InlineData(100, false)]
    [InlineData(101, true)]
    public void Outside_breaches_on_both_sides_of_the_band(double value, bool breached) => Assert.Equal(breached, AlertCondition.Outside(10, 100).IsBreachedBy(value));

    [Fact]
    public void Descriptions_read_like_thresholds()
    {
        Assert.Equal("> 100", AlertCondition.Above(100).Describe());
        Assert.Equal("< 0.5", AlertCondition.Below(0.5).Describe());
        Assert.Equal("outside [10, 100]", AlertCondition.Outside(10, 100).Describe());
        Assert.Equal("> 3x the same window 1 week earlier", AlertCondition.Above(3, ConditionBaseline.Week).Describe());
        Assert.Equal(TimeSpan.FromDays(1), AlertCondition.Below(0.2, ConditionBaseline.Day).BaselineOffset);
    }
}
