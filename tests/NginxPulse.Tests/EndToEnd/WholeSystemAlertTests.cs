using NginxPulse.Tests.Support;
using Xunit;

namespace NginxPulse.Tests.EndToEnd;

/// <summary>
/// nginx → shipper → Kafka → function app → MariaDB, with the standalone scheduler running CheckThresholds: a 5xx
/// burst in real traffic fires one alert mail and its end one resolved mail, and every served request is stored.
/// Real minutes pass (alerts look at complete minutes only), so this takes about three minutes.
/// </summary>
public sealed class WholeSystemAlertTests : IDisposable
{
    private const string Rules = """
        { "rules": [ { "name": "server-errors", "description": "5xx share of all requests over the last minute",
                       "metric": "ratio_5xx", "condition": { "above": 0.2 }, "window": "1m", "for": "0s",
                       "minSamples": 20, "severity": "critical", "channels": ["local"], "renotify": "0s" } ] }
        """;

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "np-e2e-alerts-" + Guid.NewGuid().ToString("N")[..10]);

    private string MailDir => Path.Combine(_dir, "mail");

    private string[] Mails(string kind) => Directory.Exists(MailDir) ? Directory.GetFiles(MailDir, $"*-server-errors-{kind}.eml") : [];

    [Fact]
    public async Task A_5xx_burst_in_real_traffic_fires_one_alert_mail_and_its_end_one_resolved_mail()
    {
        Directory.CreateDirectory(_dir);
        var rulesPath = Path.Combine(_dir, "rules.json");
        await File.WriteAllTextAsync(rulesPath, Rules);
        await using var system = await WholeSystem.StartAsync(new Dictionary<string, string?>
        {
            ["Alerts__RulesPath"] = rulesPath,
            ["Alerts__Local__Directory"] = MailDir,
            ["Alerts__IngestionDelay"] = "00:00:02",
            ["CheckThresholdsSchedule"] = "*/5 * * * * *",
        });
        using var traffic = new TrafficGenerator(system.NginxUrl);

        await traffic.SendForAsync(TimeSpan.FromSeconds(10), 10, TrafficGenerator.Normal);
        // Long enough that one whole minute holds only the burst.
        var errorsSent = await traffic.SendForAsync(TimeSpan.FromSeconds(75), 10, TrafficGenerator.Errors);
        Assert.Empty(Mails("resolved"));
        await traffic.SendForAsync(TimeSpan.FromMinutes(4), 10, TrafficGenerator.Normal, until: () => Mails("resolved").Length > 0);

        Assert.True(Mails("resolved").Length > 0, $"a resolved mail within 4 minutes of the burst's end\n{system.Logs}");
        Assert.Single(Mails("firing"));
        Assert.Single(Mails("resolved"));
        Assert.Contains("Alert firing: server-errors", await File.ReadAllTextAsync(Mails("firing")[0]));
        await system.WaitUntilStoredAsync(traffic.Served, TimeSpan.FromSeconds(60));
        Assert.Equal(traffic.Served, await system.Database.ScalarAsync("SELECT COUNT(*) FROM access_log"));
        Assert.Equal(errorsSent / 2, await system.Database.ScalarAsync("SELECT COUNT(*) FROM access_log WHERE status = 500"));
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }
}
