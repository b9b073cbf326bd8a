using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using NginxPulse.Functions.Hosting;
using NginxPulse.Functions.Hosting.Timers;
using NginxPulse.Functions.Storage;
using NginxPulse.Tests.Storage;
using NginxPulse.Tests.Support;
using Xunit;

namespace NginxPulse.Tests.Hosting;

/// <summary>timerTrigger functions: the standalone scheduler, replicas sharing MySQL, and the host's invocations.</summary>
public sealed class TimerTriggerTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly List<IDisposable> roots = [];
    private readonly List<RunningApp> apps = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var app in apps) await app.DisposeAsync();
        foreach (var root in roots) root.Dispose();
    }

    private async Task<RunningApp> StartAsync(RecordingTimerFunction function, string functionJson, bool customHandler = false, Action<IServiceCollection>? services = null)
    {
        var root = new TestAppRoot().WithFunction(function.Name, functionJson);
        roots.Add(root);
        var builder = RunningApp.CreateBuilder(root.Path, customHandler);
        builder.Services.AddSingleton(function);
        builder.Services.AddTimerFunction<RecordingTimerFunction>(function.Name);
        services?.Invoke(builder.Services);
        var app = await RunningApp.StartAsync(builder);
        apps.Add(app);
        return app;
    }

    [Fact]
    public async Task Standalone_fires_on_the_schedule_and_keeps_going_after_a_failed_run()
    {
        var function = new RecordingTimerFunction { OnRun = run => { if (run == 1) throw new InvalidOperationException("first run fails"); } };

        await StartAsync(function, TimerFunctionJson.For("*/1 * * * * *"));

        await Eventually.TrueAsync(() => function.Ticks.Count >= 3, Timeout, "three ticks of an every-second schedule");
        var ticks = function.Ticks.ToArray();
        Assert.All(ticks, t => Assert.True(t.NextScheduledUtc > t.FiredAtUtc, $"next {t.NextScheduledUtc:o} after fired {t.FiredAtUtc:o}"));
        Assert.All(ticks.Skip(1), t => Assert.NotNull(t.LastScheduledUtc));
        // Each tick's next occurrence names the occurrence it ran for: no occurrence ran twice. (Fire times cannot
        // tell: a late run and the next one may fall into the same second on a busy machine.)
        Assert.Equal(ticks.Length, ticks.Select(t => t.NextScheduledUtc).Distinct().Count());
    }

    [Fact]
    public async Task Run_on_startup_fires_once_at_start_even_when_the_schedule_is_far_away()
    {
        var function = new RecordingTimerFunction();

        await StartAsync(function, TimerFunctionJson.For("0 0 0 1 1 *", runOnStartup: true));

        await Eventually.TrueAsync(() => !function.Ticks.IsEmpty, Timeout, "the start-up run");
        var tick = Assert.Single(function.Ticks);
        Assert.Equal(new DateTimeOffset(DateTime.UtcNow.Year + 1, 1, 1, 0, 0, 0, TimeSpan.Zero), tick.NextScheduledUtc);
    }

    [Fact]
    public async Task An_invalid_schedule_stops_start_up_naming_the_function_json()
    {
        var error = await Assert.ThrowsAsync<FunctionAppConfigurationException>(() =>
            StartAsync(new RecordingTimerFunction(), TimerFunctionJson.For("0 0 25 * * *")));

        Assert.Contains("Tick/function.json: schedule '0 0 25 * * *' is not valid: the hour field '25' has the value 25, outside 0-23", error.Message);
    }

    [Fact]
    public async Task Two_standalone_replicas_sharing_MySQL_run_each_occurrence_once()
    {
        await using var db = await TestDatabase.CreateAsync();
        var first = new RecordingTimerFunction();
        var second = new RecordingTimerFunction();
        void Shared(IServiceCollection services) =>
            services.AddSingleton<ITimerCoordinator>(new MySqlTimerCoordinator(db.Connections, TimeProvider.System));

        await StartAsync(first, TimerFunctionJson.For("*/1 * * * * *"), services: Shared);
        await StartAsync(second, TimerFunctionJson.For("*/1 * * * * *"), services: Shared);

        await Eventually.TrueAsync(() => first.Ticks.Count + second.Ticks.Count >= 6, Timeout, "six occurrences run between the replicas");
        await DisposeAppsAsync();
        var seconds = first.Ticks.Concat(second.Ticks).Select(t => t.NextScheduledUtc).ToArray();
        Assert.Equal(seconds.Length, seconds.Distinct().Count());
        Assert.Equal(1, await db.ScalarAsync("SELECT COUNT(*) FROM timer_runs WHERE function_name = 'Tick' AND succeeded"));
    }

    [Fact]
    public async Task The_coordinator_grants_an_occurrence_once_and_remembers_the_previous_one()
    {
        await using var db = await TestDatabase.CreateAsync();
        var a = new MySqlTimerCoordinator(db.Connections, TimeProvider.System);
        var b = new MySqlTimerCoordinator(db.Connections, TimeProvider.System);
        var occurrence = new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

        await using (var claim = await a.TryClaimAsync("Tick", occurrence, CancellationToken.None))
        {
            Assert.NotNull(claim);
            Assert.Null(claim.PreviousScheduledUtc);
            Assert.Null(await b.TryClaimAsync("Tick", occurrence, CancellationToken.None));      // held
            await claim.CompleteAsync(succeeded: true, error: null, CancellationToken.None);
        }
        Assert.Null(await b.TryClaimAsync("Tick", occurrence, CancellationToken.None));          // already ran
        await using var next = await b.TryClaimAsync("Tick", occurrence.AddMinutes(1), CancellationToken.None);
        Assert.NotNull(next);
        Assert.Equal(occurrence, next.PreviousScheduledUtc);
    }

    [Fact]
    public async Task Under_the_host_a_timer_invocation_runs_the_function_with_its_schedule_status()
    {
        var function = new RecordingTimerFunction();
        var app = await StartAsync(function, TimerFunctionJson.For("0 */5 * * * *"), customHandler: true);
        const string envelope = """
            { "Data": { "timer": { "Schedule": { "AdjustForDST": true },
                                   "ScheduleStatus": { "Last": "2026-11-21T11:55:00+00:00", "Next": "2026-11-21T12:05:00+00:00", "LastUpdated": "2026-11-21T11:55:00+00:00" },
                                   "IsPastDue": true } },
              "Metadata": { "sys": { "MethodName": "Tick", "UtcNow": "2026-11-21T12:00:00Z", "RandGuid": "x" } } }
            """;

        using var response = await app.Http.PostAsync("/Tick", new StringContent(envelope, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.TryGetProperty("Outputs", out _));
        var tick = Assert.Single(function.Ticks);
        Assert.True(tick.IsPastDue);
        Assert.Equal(DateTimeOffset.Parse("2026-11-21T11:55:00Z", System.Globalization.CultureInfo.InvariantCulture), tick.LastScheduledUtc);
        Assert.Equal(DateTimeOffset.Parse("2026-11-21T12:05:00Z", System.Globalization.CultureInfo.InvariantCulture), tick.NextScheduledUtc);
    }

    [Fact]
    public async Task Under_the_host_a_failed_run_answers_500_and_a_malformed_body_400()
    {
        var function = new RecordingTimerFunction { OnRun = _ => throw new InvalidOperationException("boom") };
        var app = await StartAsync(function, TimerFunctionJson.For("0 */5 * * * *"), customHandler: true);

        using var failed = await app.Http.PostAsync("/Tick", new StringContent("""{"Data":{"timer":{"IsPastDue":false}}}""", Encoding.UTF8, "application/json"));
        using var malformed = await app.Http.PostAsync("/Tick", new StringContent("""{"Data":{}}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Contains("boom", await failed.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        var logs = JsonDocument.Parse(await malformed.Content.ReadAsStringAsync()).RootElement.GetProperty("Logs");
        Assert.Contains("Data has no 'timer' property", logs[0].GetString());
    }

    [Fact]
    public async Task Schedule_placeholders_default_from_settings_defaults_json_and_app_settings_win()
    {
        using var root = new TestAppRoot()
            .WithFunction("Tick", TimerFunctionJson.For("%TickSchedule%"))
            .WithFile("settings.defaults.json", """{ "Values": { "TickSchedule": "0 0 0 1 1 *" } }""");
        var defaulted = RunningApp.CreateBuilder(root.Path, customHandler: false);
        defaulted.Services.AddSingleton(new RecordingTimerFunction());
        defaulted.Services.AddTimerFunction<RecordingTimerFunction>("Tick");
        await using (FunctionApp.Build(defaulted)) { }

        var overridden = RunningApp.CreateBuilder(root.Path, customHandler: false, new Dictionary<string, string> { ["TickSchedule"] = "0 0 99 * * *" });
        overridden.Services.AddSingleton(new RecordingTimerFunction());
        overridden.Services.AddTimerFunction<RecordingTimerFunction>("Tick");
        var error = Assert.Throws<FunctionAppConfigurationException>(() => FunctionApp.Build(overridden));
        Assert.Contains("schedule '0 0 99 * * *' is not valid", error.Message);
    }

    private async Task DisposeAppsAsync()
    {
        foreach (var app in apps) await app.DisposeAsync();
        apps.Clear();
    }
}
