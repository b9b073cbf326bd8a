using System.Text.Json;
using Xunit;

namespace NginxPulse.Tests.Reports;

/// <summary>The dashboard in headless Chromium against the running app and <see cref="KnownTraffic"/>.</summary>
public sealed class DashboardBrowserTests(ReportsApp app, BrowserScenario browser) : IClassFixture<ReportsApp>, IClassFixture<BrowserScenario>
{
    private string DashboardUrl => new Uri(app.Address, "/api/dashboard?from=2026-11-21T14:00:00Z&to=2026-11-21T15:00:00Z&refresh=0").ToString();

    [Fact]
    public async Task The_page_asks_for_the_key_rejects_a_wrong_one_and_draws_the_known_traffic_and_its_filters()
    {
        var (exitCode, result, raw) = await browser.RunScriptAsync("dashboard.mjs", DashboardUrl, ReportsApp.ApiKey, browser.OutputDirectory, "main");

        Assert.True(exitCode == 0, raw);
        Assert.True(result.GetProperty("needsKey").GetProperty("keyFormVisible").GetBoolean());
        Assert.Equal("error", result.GetProperty("wrongKey").GetProperty("state").GetString());
        Assert.Contains("rejected (401)", result.GetProperty("wrongKey").GetProperty("error").GetString());

        var loaded = result.GetProperty("loaded");
        Assert.Equal("loaded", loaded.GetProperty("state").GetString());
        Assert.Equal("10", loaded.GetProperty("requests").GetString());
        Assert.Equal("6", loaded.GetProperty("visitors").GetString());
        Assert.Equal("5.50 kB", loaded.GetProperty("bytes").GetString());
        Assert.Equal("4", loaded.GetProperty("errors").GetString());
        Assert.Equal("10 / 31 / 31 ms", loaded.GetProperty("latency").GetString());
        Assert.Equal(60, loaded.GetProperty("trafficBars").GetInt32());          // one-minute steps over the hour
        Assert.Equal(10, loaded.GetProperty("trafficTotal").GetInt32());
        Assert.Equal(9, loaded.GetProperty("trafficRects").GetInt32());          // 9 busy minutes, one class each
        Assert.Equal("""{"2xx":4,"3xx":2,"4xx":2,"5xx":2}""", loaded.GetProperty("statusMix").GetRawText());
        Assert.Equal(7, loaded.GetProperty("latencyPoints").GetInt32());         // minutes with a request time
        Assert.Equal(["/api/orders", "/index.html", "(none)", "/api/users", "/login", "/search,\"q\""], Strings(loaded, "topPaths"));
        Assert.Equal("10.0.0.1", Strings(loaded, "topClients")[0]);
        Assert.Equal("alerts unavailable", loaded.GetProperty("alerts").GetString());
        Assert.True(File.Exists(Path.Combine(browser.OutputDirectory, "dashboard.png")));

        var filtered = result.GetProperty("filtered");
        Assert.Equal("3", filtered.GetProperty("requests").GetString());
        Assert.Equal(3, filtered.GetProperty("trafficTotal").GetInt32());
        Assert.Equal(["/api/orders", "/api/users", "/login"], Strings(filtered, "topPaths"));
        Assert.Contains("vhost=api.example.com", result.GetProperty("filteredUrl").GetString());
        Assert.Equal("api.example.com", result.GetProperty("afterReload").GetProperty("vhost").GetString());
        Assert.Equal("3", result.GetProperty("afterReload").GetProperty("requests").GetString());
        // The browser logs each refused request (401 for the wrong key, 404 while no alerts function exists); nothing else.
        Assert.DoesNotContain(result.GetProperty("consoleErrors").EnumerateArray(), e => !e.GetString()!.StartsWith("Failed to load resource", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_server_error_is_shown_on_the_page()
    {
        // Both: the unfiltered dashboard reads the whole site's minutes, a filtered one the scopes'.
        await app.Database.ExecuteAsync("RENAME TABLE rollup_minute TO rollup_minute_away, rollup_site_minute TO rollup_site_minute_away");
        try
        {
            var (exitCode, result, raw) = await browser.RunScriptAsync("dashboard.mjs", DashboardUrl, ReportsApp.ApiKey, browser.OutputDirectory, "server-error");

            Assert.True(exitCode == 0, raw);
            Assert.Equal("error", result.GetProperty("state").GetString());
            Assert.Contains("The server answered 500", result.GetProperty("error").GetString());
            Assert.True(File.Exists(Path.Combine(browser.OutputDirectory, "dashboard-server-error.png")));
        }
        finally
        {
            await app.Database.ExecuteAsync("RENAME TABLE rollup_minute_away TO rollup_minute, rollup_site_minute_away TO rollup_site_minute");
        }
    }

    [Fact]
    public async Task Current_alert_states_are_listed_with_their_state()
    {
        app.Alerts.StatesJson = """
            {"states":[
              {"rule":"error-rate","scope":"vhost:www.example.com","state":"firing","since":"2026-11-21T14:03:00Z","value":0.4,"threshold":"> 0.05","severity":"critical","silencedUntil":null},
              {"rule":"p95-latency","scope":"all","state":"ok","since":"2026-11-21T13:00:00Z","value":31,"threshold":"> 500","severity":"warning","silencedUntil":null}]}
            """;
        try
        {
            var (exitCode, result, raw) = await browser.RunScriptAsync("dashboard.mjs", DashboardUrl, ReportsApp.ApiKey, browser.OutputDirectory, "alerts");

            Assert.True(exitCode == 0, raw);
            var alerts = result.GetProperty("alerts");
            Assert.Equal("", alerts.GetProperty("status").GetString());
            Assert.Equal(
                """[["error-rate","vhost:www.example.com","firing[state-firing]","2026-11-21T14:03:00Z","0.4","> 0.05"],["p95-latency","all","ok[state-ok]","2026-11-21T13:00:00Z","31","> 500"]]""",
                alerts.GetProperty("rows").GetRawText());
        }
        finally
        {
            app.Alerts.StatesJson = null;
        }
    }

    private static string[] Strings(JsonElement element, string property) =>
        element.GetProperty(property).EnumerateArray().Select(e => e.GetString()!).ToArray();
}
