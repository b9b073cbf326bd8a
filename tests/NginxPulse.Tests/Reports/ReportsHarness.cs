using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NginxPulse.Functions.Hosting;
using NginxPulse.Functions.Parsing;
using NginxPulse.Functions.Reports;
using NginxPulse.Functions.Reports.Held;
using NginxPulse.Tests.Storage;
using Xunit;

namespace NginxPulse.Tests.Reports;

/// <summary>
/// One database holding <see cref="KnownTraffic"/>, shared read-only by a test class, and the Reports function wired
/// as the app wires it (AddReports), called directly with requests as the transports build them.
/// </summary>
public sealed class ReportsHarness : IAsyncLifetime
{
    private ServiceProvider _services = null!;

    public TestDatabase Database { get; private set; } = null!;

    /// <summary>"now" for relative times: 15:00, the end of the known traffic's hour.</summary>
    public static readonly DateTime Now = KnownTraffic.Start.AddHours(1);

    public Task InitializeAsync() => InitializeAsync(KnownTraffic.Records);

    /// <summary>
    /// A harness over other stored records than <see cref="KnownTraffic"/>; dispose it. Without
    /// <paramref name="heldInMemory"/> every report reads the database (the slice and day-set caches are off), so tests
    /// that alter stored rows see their change and each call takes the same path. <paramref name="settings"/> adds
    /// "Reports" settings (such as the ranges <see cref="HeldAhead"/> reads ahead).
    /// </summary>
    public static async Task<ReportsHarness> WithRecordsAsync(IReadOnlyList<AccessRecord> records, bool heldInMemory = false,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        var harness = new ReportsHarness();
        await harness.InitializeAsync(records, heldInMemory, settings);
        return harness;
    }

    /// <summary>The replica's slice cache (<see cref="WithRecordsAsync"/>).</summary>
    public SliceRowCache SliceCache => _services.GetRequiredService<SliceRowCache>();

    /// <summary>The replica's day-set cache (<see cref="WithRecordsAsync"/>).</summary>
    public DayClientsCache DayClientsCache => _services.GetRequiredService<DayClientsCache>();

    /// <summary>The replica's reading ahead (<see cref="WithRecordsAsync"/>); the harness does not start it.</summary>
    public HeldAhead HeldAhead => _services.GetRequiredService<HeldAhead>();

    private async Task InitializeAsync(IReadOnlyList<AccessRecord> records, bool heldInMemory = false, IReadOnlyDictionary<string, string?>? settings = null)
    {
        Database = await TestDatabase.CreateAsync();
        await KnownTraffic.StoreAsync(Database.NewStore(), records);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(Database.Connections);
        services.AddSingleton<TimeProvider>(new FixedTime(Now));
        services.AddReports(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Reports:SliceCacheMegabytes"] = heldInMemory ? "64" : "0",
            ["Reports:DayClientsCacheMegabytes"] = heldInMemory ? "64" : "0",
        }).AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build());
        _services = services.BuildServiceProvider(validateScopes: true);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await Database.DisposeAsync();
    }

    /// <summary>What <paramref name="read"/> answers with no slice to read: the slices' records set aside, then put back.</summary>
    public async Task<T> WithoutSlicesAsync<T>(Func<Task<T>> read)
    {
        await Database.ExecuteAsync("CREATE TABLE report_slice_aside AS SELECT * FROM report_slice");
        await Database.ExecuteAsync("DELETE FROM report_slice");
        var answers = await read();
        await Database.ExecuteAsync("INSERT INTO report_slice SELECT * FROM report_slice_aside");
        await Database.ExecuteAsync("DROP TABLE report_slice_aside");
        return answers;
    }

    /// <summary>GET /api/reports/{report}?{query}; the query is raw (already URL-decoded values, as the transports pass them).</summary>
    public async Task<HttpFunctionResponse> CallAsync(string report, params (string Name, string Value)[] query)
    {
        using var scope = _services.CreateScope();
        var function = scope.ServiceProvider.GetRequiredService<ReportsFunction>();
        return await function.HandleAsync(new HttpFunctionRequest
        {
            Method = "GET",
            Path = "/api/reports/" + report,
            RouteValues = new Dictionary<string, string> { ["report"] = report },
            Query = query.ToDictionary(q => q.Name, q => q.Value, StringComparer.OrdinalIgnoreCase),
        }, CancellationToken.None);
    }

    /// <summary>The rows of a JSON report that answered 200, over the known traffic's hour unless from/to are given.</summary>
    public async Task<JsonElement> JsonAsync(string report, params (string Name, string Value)[] query)
    {
        var all = query.ToList();
        if (!all.Any(q => q.Name == "from")) all.Add(("from", "2026-11-21T14:00:00Z"));
        if (!all.Any(q => q.Name == "to")) all.Add(("to", "2026-11-21T15:00:00Z"));
        var response = await CallAsync(report, [.. all]);
        Assert.True(response.StatusCode == 200, $"{report}: {response.StatusCode} {response.Body}");
        Assert.StartsWith("application/json", response.ContentType);
        return JsonDocument.Parse(response.Body).RootElement.Clone();
    }
}
