using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NginxPulse.Functions.Kafka;
using NginxPulse.Functions.Parsing;
using NginxPulse.Functions.Reports.Slices;
using NginxPulse.Functions.Storage;
using NginxPulse.Tests.Storage;
using NginxPulse.Tests.Support;
using Xunit;

namespace NginxPulse.Tests.Reports;

/// <summary>
/// The top lists bound which keys can rank from the first rows of each slice (<see cref="TopKeyBounds"/>) and sum only
/// those: over slices holding more values than the rows read (a different leader in each hour, a winner whose rows
/// are not all among those read, ties at the cut), with filters, edges from 5-minute and minute slices and a stale minute
/// read from raw rows, every answer equals reading raw rows only, in JSON and CSV. So do the limits over 64, which rank
/// every row and read the winners' values in the same statement.
/// </summary>
public sealed class TopListBoundsTests
{
    private static readonly DateTime First = KnownTraffic.Start.AddHours(-1);   // 13:00
    private static readonly string[] Reports = ["paths", "clients", "referrers", "useragents", "errors", "statuses"];

    /// <summary>
    /// 13:00-16:00. 13:00: "/x" 100, "/w" 60, "/a" 20, "/b" 10; 14:00: "/k1" 50, "/k2" 49, "/k3" 48, "/k4" 46, "/w" 45;
    /// 15:00: "/tie-a" and "/tie-b" 12 each; every hour 70 more paths at 8/i requests (at least 1). "/w" wins (105)
    /// though the first 4 rows of its hours (limit 1) hold only 60 of it: its 45 at 14:00 is bounded by that hour's 4th
    /// row, 46. Clients, referrers and agents spread over the rows; every third request a 503, every fifth a 404.
    /// </summary>
    private static List<AccessRecord> Traffic()
    {
        (string Path, int Requests)[][] hours =
        [
            [("/x", 100), ("/w", 60), ("/a", 20), ("/b", 10)],
            [("/k1", 50), ("/k2", 49), ("/k3", 48), ("/k4", 46), ("/w", 45)],
            [("/tie-a", 12), ("/tie-b", 12)],
        ];
        var records = new List<AccessRecord>();
        for (var hour = 0; hour < hours.Length; hour++)
            foreach (var (path, requests) in hours[hour].Concat(Enumerable.Range(1, 70).Select(i => ($"/q{i}", Math.Max(1, 8 / i)))))
                for (var r = 0; r < requests; r++)
                {
                    var k = records.Count + 1;
                    records.Add(Record(path, First.AddHours(hour).AddMinutes(k * 7 % 60).AddSeconds(k % 60), k));
                }
        return records;
    }

    private static AccessRecord Record(string path, DateTime at, int k) => new()
    {
        Id = RecordId.FromSource("web-0" + (1 + k % 2), "inode:bounds", k), TimeUtc = at, Vhost = k % 3 == 0 ? KnownTraffic.Api : KnownTraffic.Www,
        Host = "web-0" + (1 + k % 2), RemoteAddr = $"10.3.0.{k * k % 97}", ClientIp = $"10.3.0.{k * k % 97}", Method = "GET", Path = path,
        Protocol = "HTTP/1.1", Referer = $"https://r{k % 13 * (k % 7)}.example/", UserAgent = $"agent {k % 41 % (1 + k % 9)}",
        Status = k % 3 == 0 ? 503 : k % 5 == 0 ? 404 : 200, BodyBytes = 0, BytesSent = 100 + k, RequestTimeMs = k % 50,
        SourceFile = "/var/log/nginx/access.log", SourceOffset = k,
    };

    private static ReportSliceBuilder Builder(ReportsHarness harness) =>
        new(harness.Database.Connections, Options.Create(new ReportSlicesOptions { MaxSlicesPerRun = 10_000 }),
            new FixedTime(new DateTime(2026, 11, 21, 18, 0, 0, DateTimeKind.Utc)), NullLogger<ReportSliceBuilder>.Instance);

    private static (string, string)[] Range(string from, string to) => [("from", $"2026-11-21T{from}:00Z"), ("to", $"2026-11-21T{to}:00Z")];

    private static IEnumerable<(string Report, (string, string)[] Query)> Cases()
    {
        (string, string)[][] ranges = [Range("13:00", "16:00"), Range("13:03", "15:57"), Range("13:10", "15:00")];
        (string, string)[][] filters =
        [
            [("vhost", KnownTraffic.Www)], [("vhost", KnownTraffic.Api), ("host", "web-02")], [("path", "/q1")], [("status", "5xx")],
            [("host", "web-01"), ("limit", "4")],
        ];
        foreach (var report in Reports)
        {
            // 64 is the largest limit whose slices' first rows are read to bound the keys; over it every row is ranked
            // and the winners' values are read in the same statement.
            foreach (var range in ranges)
                foreach (var limit in new[] { 1, 2, 3, 10, 63, 64, 65, 66, 1000 })
                    yield return (report, [.. range, ("limit", limit.ToString(CultureInfo.InvariantCulture))]);
            foreach (var filter in filters)
            {
                yield return (report, [.. Range("13:00", "16:00"), .. filter]);
                if (!filter.Any(f => f.Item1 == "limit")) yield return (report, [.. Range("13:00", "16:00"), .. filter, ("limit", "1000")]);
            }
        }
    }

    [Fact]
    public async Task Top_lists_bounded_from_the_slices_first_rows_equal_the_raw_answers_with_filters_edges_ties_and_a_late_row()
    {
        await using var harness = await ReportsHarness.WithRecordsAsync(Traffic());
        var raw = await ReportSlicesKeyedTests.AnswersAsync(harness, Cases());
        Assert.All(raw.Values, a => Assert.Equal("raw", a.Source));
        Assert.StartsWith("""[{"path":"/w","requests":105""", raw["paths from=2026-11-21T13:00:00Z&to=2026-11-21T16:00:00Z&limit=1"].Json);
        // The cut at 65 falls inside a tie (the /q paths of 3 requests), so the order of the tied values decides it.
        var paths = JsonDocument.Parse(raw["paths from=2026-11-21T13:00:00Z&to=2026-11-21T16:00:00Z&limit=66"].Json).RootElement.EnumerateArray()
            .Select(r => r.GetProperty("requests").GetInt64()).ToList();
        Assert.Equal((66, 3L, 3L), (paths.Count, paths[64], paths[65]));

        await Builder(harness).RunAsync(CancellationToken.None);
        var sliced = await ReportSlicesKeyedTests.AnswersAsync(harness, Cases());
        ReportSlicesKeyedTests.AssertSameRows(raw, sliced);
        Assert.Equal("rollup", sliced["paths from=2026-11-21T13:03:00Z&to=2026-11-21T15:57:00Z&limit=3"].Source);
        Assert.Equal("rollup", sliced["clients from=2026-11-21T13:03:00Z&to=2026-11-21T15:57:00Z&limit=1000"].Source);

        // Rows stored after the build: "/tie-a" breaks its tie in the minute 15:56 (stale: read from raw rows, with its
        // hour and 5 minutes), a new path enters at 14:30 (its hour stale: 60 minutes of raw rows).
        var late = new[]
        {
            Record("/tie-a", KnownTraffic.Start.AddMinutes(116).AddSeconds(30), 100_001),
            Record("/tie-a", KnownTraffic.Start.AddMinutes(116).AddSeconds(31), 100_002),
            Record("/late-new", KnownTraffic.Start.AddMinutes(30), 100_003),
        };
        await harness.Database.NewStore().StoreAsync("late",
            late.Select((r, i) => new IngestItem(new KafkaPosition("nginx-access", 1, i), r, null)).ToList(), CancellationToken.None);
        var mixed = await ReportSlicesKeyedTests.AnswersAsync(harness, Cases());
        Assert.Equal("mixed", mixed["paths from=2026-11-21T13:03:00Z&to=2026-11-21T15:57:00Z&limit=3"].Source);
        await harness.Database.ExecuteAsync("DELETE FROM report_slice");
        var rawAfter = await ReportSlicesKeyedTests.AnswersAsync(harness, Cases());
        Assert.All(rawAfter.Values, a => Assert.Equal("raw", a.Source));
        ReportSlicesKeyedTests.AssertSameRows(rawAfter, mixed);
        Assert.NotEqual(raw["paths from=2026-11-21T13:00:00Z&to=2026-11-21T16:00:00Z&limit=10"].Json, rawAfter["paths from=2026-11-21T13:00:00Z&to=2026-11-21T16:00:00Z&limit=10"].Json);
    }

    [Fact]
    public async Task Migration_0055_adds_the_value_key_index_once_and_its_step_run_again_changes_nothing()
    {
        await using var database = await TestDatabase.CreateAsync();
        const string columns = """
            SELECT COUNT(*) FROM information_schema.statistics
            WHERE table_schema = DATABASE() AND table_name = 'report_slice_value' AND index_name = 'report_slice_value_key'
            """;
        Assert.Equal(7L, await database.ScalarAsync(columns));
        await database.ExecuteAsync("DELETE FROM schema_migrations WHERE version = 55");

        Assert.Equal([55], await database.Migrator.MigrateAsync(CancellationToken.None));
        Assert.Equal(7L, await database.ScalarAsync(columns));
    }
}
