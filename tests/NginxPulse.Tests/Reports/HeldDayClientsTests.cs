using NginxPulse.Tests.Support;
using Xunit;

namespace NginxPulse.Tests.Reports;

/// <summary>
/// The summary's visitors with day sets held in the replica's memory
/// (<see cref="NginxPulse.Functions.Reports.Held.DayClientsCache"/>): the day sets' clients come from memory, the other
/// sets' from the database, and the count equals the raw rows' distinct clients for the site and every scope, over a
/// day, ranges cutting hours and 5 minutes, across midnight and the last 24 hours; a refold makes the held day miss
/// until it is read again.
/// </summary>
public sealed class HeldDayClientsTests
{
    private static readonly DayVisitorsScenario Scopes = new(
        [(null, null), ("www.example.com", null), (null, "web-02"), ("api.example.com", "web-03")], busy: 4);

    private const string DaySetsGone = "DELETE FROM day_site_clients; DELETE FROM day_clients";

    [Fact]
    public async Task Held_day_sets_count_the_raw_distinct_clients_of_the_site_and_every_scope_without_reading_a_day_set()
    {
        await using var harness = await ReportsHarness.WithRecordsAsync(DayVisitorsScenario.Traffic, heldInMemory: true);
        var expected = await Scopes.RawVisitorsAsync(harness);
        await DayVisitorsScenario.Folder(harness).FoldAsync(DayVisitorsScenario.Now, CancellationToken.None);

        // The first calls miss and have their day sets read in the background (later ones may already find them).
        Assert.Equal(expected, await Scopes.VisitorsAsync(harness));
        await harness.DayClientsCache.WhenIdleAsync();
        Assert.True(harness.DayClientsCache.Size.Entries >= 8, $"{harness.DayClientsCache.Size.Entries} day sets held");

        // The stored day sets gone: a count that read one now would miss its clients.
        await harness.Database.ExecuteAsync(DaySetsGone);
        Assert.Equal(expected, await Scopes.VisitorsAsync(harness));
    }

    [Fact]
    public async Task A_row_stored_after_the_fold_is_counted_from_its_hours_sets_and_the_refold_is_read_again_before_it_is_used()
    {
        await using var harness = await ReportsHarness.WithRecordsAsync(DayVisitorsScenario.Traffic, heldInMemory: true);
        var folder = DayVisitorsScenario.Folder(harness);
        await folder.FoldAsync(DayVisitorsScenario.Now, CancellationToken.None);
        await Scopes.VisitorsAsync(harness);
        await harness.DayClientsCache.WhenIdleAsync();

        // A new client of www on web-09 at 10:30: its hour's fold is stale, so the held day answers for the other hours only.
        await harness.Database.NewStore().StoreAsync("reports-tests",
            AccessRecordBuilder.Items([DayVisitorsScenario.Late("2026-11-20T10:30:00Z", "192.0.2.77")], firstOffset: 10_000), CancellationToken.None);
        var expected = await Scopes.RawVisitorsAsync(harness);
        Assert.Equal(expected, await Scopes.VisitorsAsync(harness));

        // Refolded: another version of the day, which misses (the database counts) until it is read again.
        Assert.Single((await folder.FoldAsync(DayVisitorsScenario.Now, CancellationToken.None)).Hours);
        Assert.Equal(expected, await Scopes.VisitorsAsync(harness));
        await harness.DayClientsCache.WhenIdleAsync();
        await harness.Database.ExecuteAsync(DaySetsGone);
        Assert.Equal(expected, await Scopes.VisitorsAsync(harness));
    }
}
