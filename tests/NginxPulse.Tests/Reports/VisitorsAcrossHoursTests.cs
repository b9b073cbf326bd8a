using NginxPulse.Functions.Parsing;
using NginxPulse.Functions.Storage;
using Xunit;

namespace NginxPulse.Tests.Reports;

/// <summary>
/// An unaligned range counts visitors from the hourly client sets of its whole hours and from the raw rows of the
/// partial hours at either end: a client seen in both, or many times in a partial hour, is still one visitor — so the
/// hash computed by the database for raw rows must equal the one the store wrote into the sets.
/// </summary>
public sealed class VisitorsAcrossHoursTests
{
    private static readonly DateTime Hour = new(2026, 11, 21, 14, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task A_client_in_a_whole_hour_and_in_the_partial_hours_counts_once()
    {
        AccessRecord[] records =
        [
            Request(1, -10, "www.example.com", "10.0.0.1"),   // 13:50, the partial hour before
            Request(2, -5, "www.example.com", "10.0.0.1"),
            Request(3, -5, "api.example.com", "10.0.0.9"),
            Request(4, 10, "www.example.com", "10.0.0.1"),    // 14:10, the whole hour
            Request(5, 70, "www.example.com", "10.0.0.9"),    // 15:10, the partial hour after
            Request(6, 80, "www.example.com", "10.0.0.7"),
            Request(7, 80, "www.example.com", "10.0.0.7"),
        ];
        var harness = await ReportsHarness.WithRecordsAsync(records);
        try
        {
            var range = new[] { ("from", "2026-11-21T13:30:00Z"), ("to", "2026-11-21T15:30:00Z") };
            var site = await harness.JsonAsync("summary", range);
            var www = await harness.JsonAsync("summary", [.. range, ("vhost", "www.example.com")]);

            Assert.Equal("requests=7 visitors=3", ReportsTests.Row(site, 0, "requests", "visitors"));
            Assert.Equal("requests=6 visitors=3", ReportsTests.Row(www, 0, "requests", "visitors"));
        }
        finally
        {
            await harness.DisposeAsync();
        }
    }

    private static AccessRecord Request(int line, int minutesFromHour, string vhost, string client) => new()
    {
        Id = RecordId.FromSource("web-01", "inode:88", line * 100L),
        TimeUtc = Hour.AddMinutes(minutesFromHour),
        Vhost = vhost,
        Host = "web-01",
        RemoteAddr = client,
        ClientIp = client,
        Method = "GET",
        Path = "/",
        Protocol = "HTTP/1.1",
        Status = 200,
        BytesSent = 100,
        RequestTimeMs = 5,
        SourceFile = "/var/log/nginx/access.log",
        SourceOffset = line * 100L,
    };
}
