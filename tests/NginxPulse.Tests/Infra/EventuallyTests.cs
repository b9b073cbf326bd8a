using NginxPulse.Tests.Support;
using Xunit;

namespace NginxPulse.Tests.Infra;

public sealed class EventuallyTests
{
    [Fact]
    public async Task Returns_once_the_condition_becomes_true()
    {
        var calls = 0;
        await Eventually.TrueAsync(() => ++calls == 3, TimeSpan.FromSeconds(10), "the third call");
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task Awaits_an_asynchronous_condition()
    {
        var ready = Task.Delay(50);
        await Eventually.TrueAsync(async () => { await Task.Yield(); return ready.IsCompleted; }, TimeSpan.FromSeconds(10), "the delay");
        Assert.True(ready.IsCompleted);
    }

    [Fact]
    public async Task Throws_naming_what_it_waited_for_when_the_deadline_passes()
    {
        var error = await Assert.ThrowsAsync<TimeoutException>(
            () => Eventually.TrueAsync(() => false, TimeSpan.FromMilliseconds(100), "the moon to turn blue"));
        Assert.Contains("the moon to turn blue", error.Message);
    }
}
