using NginxPulse.Tests.Support;
using Xunit;

namespace NginxPulse.Tests.EndToEnd;

/// <summary>
/// nginx → shipper → Kafka → function app → MariaDB with the shipper and the function app SIGKILLed and started
/// again while traffic flows: every request nginx served is stored exactly once.
/// </summary>
public sealed class WholeSystemFaultTests
{
    [Fact]
    public async Task Every_request_nginx_served_is_stored_once_although_shipper_and_app_are_killed_mid_run()
    {
        await using var system = await WholeSystem.StartAsync();
        using var traffic = new TrafficGenerator(system.NginxUrl);

        var load = traffic.SendAsync(3000, TrafficGenerator.Normal);
        await Eventually.TrueAsync(async () => traffic.Served >= 800 && await system.StoredLinesAsync() > 0,
            TimeSpan.FromSeconds(60), () => $"traffic flowing and lines stored\n{system.Logs}");
        system.KillShipper();
        system.StartShipper();
        await Eventually.TrueAsync(() => traffic.Served >= 1800, TimeSpan.FromSeconds(60), "more traffic after the shipper restart");
        system.KillApp();
        system.StartApp();
        await load;
        await system.WaitForAppAsync();

        await system.WaitUntilStoredAsync(traffic.Served, TimeSpan.FromSeconds(120));
        var db = system.Database;
        Assert.Equal(3000, traffic.Served);
        Assert.Equal(3000, File.ReadLines(system.AccessLog).Count());
        Assert.Equal(3000, await db.ScalarAsync("SELECT COUNT(*) FROM access_log"));
        Assert.Equal(0, await db.ScalarAsync("SELECT COUNT(*) FROM dead_letter"));
        Assert.Equal(3000, await db.ScalarAsync("SELECT SUM(requests) FROM rollup_minute"));
        Assert.Equal(300, await db.ScalarAsync("SELECT COUNT(*) FROM access_log WHERE status = 404"));
        Assert.Equal(1000, await db.ScalarAsync("SELECT COUNT(*) FROM access_log WHERE vhost = 'shop.e2e.test'"));
        Assert.Empty(await db.VerifyRollupsAsync());
    }
}
