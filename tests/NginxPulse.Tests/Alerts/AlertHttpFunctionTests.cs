using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NginxPulse.Functions.AlertHistory;
using NginxPulse.Functions.AlertRules;
using NginxPulse.Functions.AlertStates;
using NginxPulse.Functions.CreateAlertSilence;
using NginxPulse.Functions.ExpireAlertSilence;
using NginxPulse.Functions.Hosting;
using Xunit;

namespace NginxPulse.Tests.Alerts;

/// <summary>The alert HTTP functions called directly over a real database: contracts, validation, silences.</summary>
public sealed class AlertHttpFunctionTests : IAsyncLifetime
{
    private const string RulesJson = """
        { "rules": [ { "name": "busy", "metric": "requests", "scope": "vhost:www.example.com", "condition": { "above": 5 },
          "window": "1m", "severity": "critical", "channels": ["local"], "renotify": "1h" } ] }
        """;

    private AlertHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await AlertHarness.CreateAsync(RulesJson);

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private async Task<(int Status, JsonElement Json)> CallAsync<TFunction>(string method, string? body = null, Dictionary<string, string>? query = null,
        Dictionary<string, string>? route = null) where TFunction : IHttpFunction
    {
        using var scope = _harness.Services.CreateScope();
        var function = ActivatorUtilities.CreateInstance<TFunction>(scope.ServiceProvider);
        var response = await function.HandleAsync(new HttpFunctionRequest
        {
            Method = method,
            Path = "/api/alerts",
            Body = body,
            Query = query ?? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase),
            RouteValues = route ?? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase),
        }, CancellationToken.None);
        return (response.StatusCode, JsonDocument.Parse(response.Body).RootElement.Clone());
    }

    private async Task FireAsync()
    {
        await _harness.Traffic.MinuteAsync(AlertHarness.Start, 10);
        await _harness.Traffic.MinuteAsync(AlertHarness.Start.AddMinutes(1), 10);
        await _harness.EvaluateAtAsync(AlertHarness.Start.AddMinutes(2).AddSeconds(5));
    }

    [Fact]
    public async Task Rules_lists_each_rule_with_its_threshold_window_and_channels()
    {
        var (status, json) = await CallAsync<AlertRulesFunction>("GET");

        Assert.Equal(200, status);
        var rule = Assert.Single(json.GetProperty("rules").EnumerateArray());
        Assert.Equal("busy", rule.GetProperty("name").GetString());
        Assert.Equal("requests", rule.GetProperty("metric").GetString());
        Assert.Equal("> 5", rule.GetProperty("threshold").GetString());
        Assert.Equal("1m", rule.GetProperty("window").GetString());
        Assert.Equal("1h", rule.GetProperty("renotify").GetString());
        Assert.Equal(["local"], rule.GetProperty("channels").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task States_follow_the_dashboard_contract()
    {
        await FireAsync();

        var (status, json) = await CallAsync<AlertStatesFunction>("GET");

        Assert.Equal(200, status);
        var state = Assert.Single(json.GetProperty("states").EnumerateArray());
        Assert.Equal(["rule", "scope", "state", "since", "value", "threshold", "severity", "silencedUntil"], state.EnumerateObject().Select(p => p.Name));
        Assert.Equal("busy", state.GetProperty("rule").GetString());
        Assert.Equal("vhost:www.example.com", state.GetProperty("scope").GetString());
        Assert.Equal("firing", state.GetProperty("state").GetString());
        Assert.Equal(new DateTime(2026, 11, 21, 12, 1, 0, DateTimeKind.Utc), state.GetProperty("since").GetDateTime().ToUniversalTime());
        Assert.Equal(10, state.GetProperty("value").GetDouble());
        Assert.Equal("> 5", state.GetProperty("threshold").GetString());
        Assert.Equal("critical", state.GetProperty("severity").GetString());
        Assert.Equal(JsonValueKind.Null, state.GetProperty("silencedUntil").ValueKind);
    }

    [Fact]
    public async Task States_of_rules_removed_from_the_rules_file_are_not_listed()
    {
        await _harness.Db.ExecuteAsync("""
            INSERT INTO alert_state (rule, scope, state, since_utc, value, threshold, severity, incident_notified, last_notified_utc, evaluated_utc, version)
            VALUES ('removed', 'all', 'firing', '2026-11-21 11:00:00', 1, '> 0', 'critical', 1, NULL, '2026-11-21 11:00:00', 1)
            """);
        await FireAsync();

        var (_, json) = await CallAsync<AlertStatesFunction>("GET");

        Assert.Equal(["busy"], json.GetProperty("states").EnumerateArray().Select(s => s.GetProperty("rule").GetString()));
    }

    [Fact]
    public async Task History_lists_state_changes_newest_first()
    {
        await FireAsync();
        await _harness.Traffic.MinuteAsync(AlertHarness.Start.AddMinutes(2), 2);
        await _harness.Traffic.MinuteAsync(AlertHarness.Start.AddMinutes(3), 2);
        await _harness.EvaluateAtAsync(AlertHarness.Start.AddMinutes(4).AddSeconds(5));

        var (status, json) = await CallAsync<AlertHistoryFunction>("GET", query: new(StringComparer.OrdinalIgnoreCase) { ["rule"] = "busy", ["from"] = "2026-11-21T00:00:00Z" });

        Assert.Equal(200, status);
        var entries = json.GetProperty("history").EnumerateArray().ToList();
        Assert.Equal([("firing", "resolved", "resolved"), ("ok", "firing", "firing")],
            entries.Select(e => (e.GetProperty("from").GetString(), e.GetProperty("to").GetString(), e.GetProperty("notification").GetString())));
    }

    [Theory]
    [InlineData("limit", "0")]
    [InlineData("from", "yesterday")]
    public async Task History_refuses_bad_parameters_naming_them(string name, string value)
    {
        var (status, json) = await CallAsync<AlertHistoryFunction>("GET", query: new(StringComparer.OrdinalIgnoreCase) { [name] = value });

        Assert.Equal(400, status);
        Assert.Contains($"parameter '{name}'", json.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("not json", "field 'body'")]
    [InlineData("""{ "rule": "nope", "duration": "1h", "comment": "x" }""", "field 'rule': there is no rule named 'nope'")]
    [InlineData("""{ "scope": "server:x", "duration": "1h", "comment": "x" }""", "field 'scope'")]
    [InlineData("""{ "duration": "1h", "comment": "x" }""", "field 'rule': give a rule, a scope or both")]
    [InlineData("""{ "rule": "busy", "duration": "1h" }""", "field 'comment'")]
    [InlineData("""{ "rule": "busy", "comment": "x" }""", "field 'duration': is required")]
    [InlineData("""{ "rule": "busy", "duration": "soon", "comment": "x" }""", "field 'duration'")]
    [InlineData("""{ "rule": "busy", "duration": "1h", "endsUtc": "2026-11-22T00:00:00Z", "comment": "x" }""", "field 'duration': give either")]
    [InlineData("""{ "rule": "busy", "endsUtc": "2020-01-01T00:00:00Z", "comment": "x" }""", "field 'endsUtc': the silence must end in the future")]
    [InlineData("""{ "rule": "busy", "duration": "200d", "comment": "x" }""", "field 'duration': a silence lasts at most")]
    [InlineData("""{ "rule": 5, "duration": "1h", "comment": "x" }""", "field 'rule': must be a string")]
    public async Task Creating_a_bad_silence_answers_400_naming_the_field(string body, string expected)
    {
        var (status, json) = await CallAsync<CreateAlertSilenceFunction>("POST", body);

        Assert.Equal(400, status);
        Assert.Contains(expected, json.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_silence_suppresses_the_notification_shows_in_states_and_once_expired_the_incident_is_announced()
    {
        var (created, silence) = await CallAsync<CreateAlertSilenceFunction>("POST",
            """{ "rule": "busy", "scope": "vhost:www.example.com", "duration": "2h", "comment": "deploy", "createdBy": "alice" }""");
        Assert.Equal(201, created);
        var id = silence.GetProperty("silence").GetProperty("id").GetInt64();

        await FireAsync();
        Assert.Empty(await _harness.OutboxAsync());
        var (_, states) = await CallAsync<AlertStatesFunction>("GET");
        var state = Assert.Single(states.GetProperty("states").EnumerateArray());
        Assert.Equal("firing", state.GetProperty("state").GetString());
        Assert.Equal(AlertHarness.Start.AddHours(2), state.GetProperty("silencedUntil").GetDateTime().ToUniversalTime());

        var (expired, _) = await CallAsync<ExpireAlertSilenceFunction>("POST", route: new(StringComparer.OrdinalIgnoreCase) { ["id"] = id.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        Assert.Equal(200, expired);
        await _harness.Traffic.MinuteAsync(AlertHarness.Start.AddMinutes(2), 10);
        await _harness.EvaluateAtAsync(AlertHarness.Start.AddMinutes(3).AddSeconds(5));

        var row = Assert.Single(await _harness.OutboxAsync());
        Assert.Equal(("firing", true), (row.Kind, row.Delivered));
    }

    [Theory]
    [InlineData("999", 404)]
    [InlineData("abc", 400)]
    public async Task Expiring_an_unknown_silence_answers_404_and_a_bad_id_400(string id, int expected)
    {
        var (status, _) = await CallAsync<ExpireAlertSilenceFunction>("POST", route: new(StringComparer.OrdinalIgnoreCase) { ["id"] = id });

        Assert.Equal(expected, status);
    }
}
