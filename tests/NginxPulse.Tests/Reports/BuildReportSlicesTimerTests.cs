using System.Net;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using NginxPulse.Functions.BuildReportSlices;
using NginxPulse.Functions.MaintainStorage;
using NginxPulse.Functions.Storage;
using NginxPulse.Tests.Hosting;
using NginxPulse.Tests.Storage;
using NginxPulse.Tests.Support;
using Xunit;

namespace NginxPulse.Tests.Reports;

/// <summary>The BuildReportSlices timer in the standalone transport (its real function.json), and the slices' retention.</summary>
public sealed class BuildReportSlicesTimerTests : IAsyncLifetime
{
    private readonly TestAppRoot _root = new();
    private TestDatabase _db = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _root.WithFunction("BuildReportSlices", await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "BuildReportSlices", "function.json")));
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        _root.Dispose();
    }

    /// <summary>Yesterday 10:00-12:00: complete hours whatever the time of day the test runs.</summary>
    private async Task<DateTime> StoreYesterdayAsync()
    {
        var start = DateTime.UtcNow.Date.AddDays(-1).AddHours(10);
        await _db.Partitions.EnsureDailyPartitionsAsync(DateOnly.FromDateTime(start), DateOnly.FromDateTime(start).AddDays(2), CancellationToken.None);
        var records = new AccessRecordBuilder(start, minutes: 120, seed: 9, fileIdentity: "inode:timer").Build(0, 300);
        await KnownTraffic.StoreAsync(_db.NewStore(), records);
        return start;
    }

    private Task<RunningApp> StartAsync(bool customHandler, params (string Name, string Value)[] settings)
    {
        var values = new Dictionary<string, string> { [StorageOptions.ConnectionSettingName] = _db.ConnectionString };
        foreach (var (name, value) in settings) values[name] = value;
        var builder = RunningApp.CreateBuilder(_root.Path, customHandler, values);
        builder.Services.AddNginxPulseStorage(builder.Configuration);
        builder.Services.AddBuildReportSlices(builder.Configuration);
        return RunningApp.StartAsync(builder);
    }

    [Fact]
    public async Task The_standalone_scheduler_runs_BuildReportSlices_which_builds_the_hours_5_minutes_and_minutes_of_stored_traffic()
    {
        await StoreYesterdayAsync();
        var minutes = await MinutesWithTrafficAsync();
        await using var app = await StartAsync(customHandler: false, ("BuildReportSlicesSchedule", "*/1 * * * * *"), ("ReportSlices:MaxSlicesPerRun", "50"));

        // 2 hours, 24 5-minute slices and a slice per minute with traffic, 50 per run: three runs at least; and the 3
        // latency blocks holding 10:00-12:00 (4 and 8 hours and the day).
        await Eventually.TrueAsync(async () => await _db.ScalarAsync("SELECT COUNT(*) FROM report_slice") == 26 + 3 + minutes, TimeSpan.FromSeconds(60), $"{26 + 3 + minutes} slices built");
        Assert.Equal(300, await _db.ScalarAsync("SELECT SUM(requests) FROM report_slice WHERE span_minutes = 1440"));
        Assert.Equal(300, await _db.ScalarAsync("SELECT SUM(requests) FROM report_slice WHERE span_minutes = 60"));
        Assert.Equal(300, await _db.ScalarAsync("SELECT SUM(requests) FROM report_slice WHERE span_minutes = 5"));
        Assert.Equal(300, await _db.ScalarAsync("SELECT SUM(requests) FROM report_slice WHERE span_minutes = 1"));
    }

    private Task<long> MinutesWithTrafficAsync() => _db.ScalarAsync("SELECT COUNT(*) FROM rollup_site_minute WHERE requests > 0");

    [Fact]
    public async Task Under_the_Functions_host_a_timer_invocation_of_BuildReportSlices_builds_the_slices()
    {
        await StoreYesterdayAsync();
        await using var app = await StartAsync(customHandler: true, ("BuildReportSlicesSchedule", "0 0 0 1 1 *"));

        using var response = await app.Http.PostAsync("/BuildReportSlices", new StringContent(
            """{ "Data": { "timer": { "IsPastDue": false } }, "Metadata": { "sys": { "MethodName": "BuildReportSlices" } } }""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // MaxSlicesPerRun's default: the 2 hours and 24 5-minutes first; then the 3 latency blocks, which need only the hours.
        Assert.Equal(30, await _db.ScalarAsync("SELECT COUNT(*) FROM report_slice WHERE span_minutes <= 60"));
        Assert.Equal(26, await _db.ScalarAsync("SELECT COUNT(*) FROM report_slice WHERE span_minutes BETWEEN 5 AND 60"));
        Assert.Equal(3, await _db.ScalarAsync("SELECT COUNT(*) FROM report_slice WHERE span_minutes > 60"));
    }

    [Fact]
    public async Task A_bad_ReportSlices_setting_stops_the_start_naming_it()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
            await (await StartAsync(customHandler: false, ("BuildReportSlicesSchedule", "0 0 0 1 1 *"), ("ReportSlices:TopValues", "3"))).DisposeAsync());

        Assert.Contains("ReportSlices:TopValues", error.Message);
        var days = await Assert.ThrowsAnyAsync<Exception>(async () =>
            await (await StartAsync(customHandler: false, ("BuildReportSlicesSchedule", "0 0 0 1 1 *"), ("ReportSlices:MinuteSliceDays", "0"))).DisposeAsync());
        Assert.Contains("ReportSlices:MinuteSliceDays", days.Message);
    }

    [Fact]
    public async Task Retention_purges_the_slices_older_than_the_raw_rows_it_keeps()
    {
        var start = await StoreYesterdayAsync();
        var slices = new Functions.Reports.Slices.ReportSliceBuilder(_db.Connections,
            Microsoft.Extensions.Options.Options.Create(new Functions.Reports.Slices.ReportSlicesOptions { MaxSlicesPerRun = 1000 }), TimeProvider.System,
            NullLogger<Functions.Reports.Slices.ReportSliceBuilder>.Instance);
        await slices.RunAsync(CancellationToken.None);
        var purger = new RetentionPurger(_db.Connections, NullLogger<RetentionPurger>.Instance);
        var firstHour = $"slice_utc < '{start.AddHours(1):yyyy-MM-dd HH:mm:ss}'";
        var firstHourValues = await _db.ScalarAsync($"SELECT COUNT(*) FROM report_slice_value WHERE {firstHour}");
        var secondHourValues = await _db.ScalarAsync($"SELECT COUNT(*) FROM report_slice_value WHERE NOT {firstHour}");

        var firstHourMinutes = await _db.ScalarAsync($"SELECT COUNT(*) FROM report_slice WHERE span_minutes = 1 AND {firstHour}");
        var secondHourMinutes = await _db.ScalarAsync($"SELECT COUNT(*) FROM report_slice WHERE span_minutes = 1 AND NOT {firstHour}");

        var purged = await purger.PurgeReportSlicesAsync(start.AddHours(1), CancellationToken.None);

        // The first hour's slice, its 12 5-minute slices and its minute slices, and the 3 latency blocks that start
        // before its end (08:00 twice, the day), with their values.
        Assert.Equal(1 + 12 + 3 + firstHourMinutes + firstHourValues, purged);
        Assert.Equal((13L + secondHourMinutes, secondHourValues), (await _db.ScalarAsync("SELECT COUNT(*) FROM report_slice"), await _db.ScalarAsync("SELECT COUNT(*) FROM report_slice_value")));
        Assert.Equal(0, await purger.PurgeReportSlicesAsync(start.AddHours(1), CancellationToken.None));
    }
}
