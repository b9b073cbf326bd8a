using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using NginxPulse.Functions.Alerts;
using NginxPulse.Functions.MaintainStorage;
using NginxPulse.Functions.Storage;
using NginxPulse.Tests.Hosting;
using NginxPulse.Tests.Storage;
using NginxPulse.Tests.Support;
using Xunit;

namespace NginxPulse.Tests.Alerts;

/// <summary>
/// The alerting in the real app, wired as Program wires it, with the shipped function.json files: the standalone
/// scheduler runs CheckThresholds, the mail file appears, and the HTTP functions answer on their routes with keys.
/// </summary>
public sealed class AlertsAppTests : IAsyncLifetime
{
    private const string Key = "alerts-app-test-key";
    private static readonly string[] Functions = ["CheckThresholds", "MaintainStorage", "AlertRules", "AlertStates", "AlertHistory", "CreateAlertSilence", "ExpireAlertSilence"];

    private const string RulesJson = """
        { "rules": [ { "name": "busy", "metric": "requests", "scope": "vhost:www.example.com", "condition": { "above": 5 },
          "window": "1m", "severity": "critical", "channels": ["local"] } ] }
        """;

    private readonly TestAppRoot _root = new();
    private TestDatabase _db = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        foreach (var function in Functions)
            _root.WithFunction(function, await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, function, "function.json")));
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        _root.Dispose();
    }

    private Task<RunningApp> StartAsync(string rulesJson, string schedule = "*/1 * * * * *", bool customHandler = false)
    {
        _root.WithFile("rules.json", rulesJson);
        var builder = RunningApp.CreateBuilder(_root.Path, customHandler, new Dictionary<string, string>
        {
            ["MySqlConnection"] = _db.ConnectionString,
            ["NginxPulseApiKey"] = Key,
            ["CheckThresholdsSchedule"] = schedule,
            ["MaintainStorageSchedule"] = "0 30 3 * * *",
            ["Alerts:RulesPath"] = "rules.json",
            ["Alerts:Local:Directory"] = "mail",
        });
        builder.Services.AddNginxPulseStorage(builder.Configuration);
        builder.Services.AddAlerts(builder.Configuration);
        builder.Services.AddMaintainStorage(builder.Configuration);
        return RunningApp.StartAsync(builder);
    }

    /// <summary>Ten requests in each of the last minutes up to now: the "busy" rule breaches at the next evaluation.</summary>
    private async Task StoreBusyTrafficAsync()
    {
        var now = DateTime.UtcNow;
        var minute = new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerMinute, DateTimeKind.Utc);
        var traffic = new TrafficScript(_db.NewStore());
        await _db.Partitions.EnsureDailyPartitionsAsync(DateOnly.FromDateTime(minute).AddDays(-1), DateOnly.FromDateTime(minute).AddDays(1), CancellationToken.None);
        foreach (var k in new[] { -3, -2, -1, 0 }) await traffic.MinuteAsync(minute.AddMinutes(k), 10);
    }

    [Fact]
    public async Task Under_the_Functions_host_a_timer_invocation_of_CheckThresholds_evaluates_and_writes_the_mail()
    {
        await StoreBusyTrafficAsync();
        await using var app = await StartAsync(RulesJson, schedule: "0 0 0 1 1 *", customHandler: true);

        using var response = await app.Http.PostAsync("/CheckThresholds", new StringContent(
            """{ "Data": { "timer": { "IsPastDue": false } }, "Metadata": { "sys": { "MethodName": "CheckThresholds" } } }""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(Directory.GetFiles(Path.Combine(_root.Path, "mail"), "*-busy-firing.eml"));
    }

    [Fact]
    public async Task The_scheduler_runs_CheckThresholds_which_writes_the_mail_and_the_states_route_shows_the_incident()
    {
        await StoreBusyTrafficAsync();
        await using var app = await StartAsync(RulesJson);
        var mail = Path.Combine(_root.Path, "mail");
        await Eventually.TrueAsync(() => Directory.Exists(mail) && Directory.GetFiles(mail, "*-busy-firing.eml").Length == 1, TimeSpan.FromSeconds(20), "the firing mail of the scheduled evaluation");

        using var noKey = await app.Http.GetAsync("/api/alerts/states");
        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        using var response = await app.Http.GetAsync($"/api/alerts/states?code={Key}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var state = Assert.Single(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("states").EnumerateArray());
        Assert.Equal(("busy", "vhost:www.example.com", "firing"),
            (state.GetProperty("rule").GetString(), state.GetProperty("scope").GetString(), state.GetProperty("state").GetString()));
    }

    [Fact]
    public async Task Silences_are_created_and_expired_over_http()
    {
        await using var app = await StartAsync(RulesJson, schedule: "0 0 0 1 1 *");

        using var create = new HttpRequestMessage(HttpMethod.Post, "/api/alerts/silences")
        {
            Content = new StringContent("""{ "rule": "busy", "duration": "1h", "comment": "maintenance" }""", Encoding.UTF8, "application/json"),
        };
        create.Headers.Add("x-functions-key", Key);
        using var created = await app.Http.SendAsync(create);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("silence").GetProperty("id").GetInt64();

        using var expire = new HttpRequestMessage(HttpMethod.Post, $"/api/alerts/silences/{id}/expire");
        expire.Headers.Add("x-functions-key", Key);
        using var expired = await app.Http.SendAsync(expire);
        Assert.Equal(HttpStatusCode.OK, expired.StatusCode);

        using var rules = await app.Http.GetAsync($"/api/alerts/rules?code={Key}");
        Assert.Contains("\"busy\"", await rules.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_bad_rules_file_stops_start_up_naming_the_rule_and_field()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync("""
            { "rules": [ { "name": "busy", "metric": "requests", "condition": { "above": 5 }, "window": "1m", "channels": ["pager"] } ] }
            """));

        Assert.Contains("setting Alerts:RulesPath:", error.Message);
        Assert.Contains("rule 'busy': field 'channels': 'pager' is not a configured channel", error.Message);
    }
}
