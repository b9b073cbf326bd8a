using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MySql.Data.MySqlClient;
using NginxPulse.Functions.Hosting;
using NginxPulse.Functions.Parsing;
using NginxPulse.Functions.Reports;
using NginxPulse.Functions.Reports.Parameters;
using NginxPulse.Functions.Reports.Queries;
using NginxPulse.Functions.Reports.Held;
using NginxPulse.Functions.Reports.Slices;
using NginxPulse.Functions.Storage;
using NginxPulse.Tests.Support;

namespace NginxPulse.Benchmarks;

/// <summary>
/// Every report over 24 hours of stored traffic (default 10 million rows), called through the Reports function as
/// the transports call it (parameters, queries, JSON). The rows go in with LOAD DATA in chunks; the rollups are then
/// computed by the store's own recomputation of minutes (<see cref="RollupWriter.RecomputeAsync"/>), and the hourly
/// client sets from the raw rows keyed by <see cref="ClientHash"/>, so they are what ingest would have written.
/// The peer: one COUNT(*) scan of the same 24 hours of raw rows. With <c>clients</c> &gt; 0 the rows' client addresses
/// are drawn from that many clients (each hour from a quarter of them, hours apart sharing fewer) instead of the
/// builder's 254, so the visitor sets have a realistic size. <c>rollups</c> skips the reports that read raw rows.
/// </summary>
/// <remarks>
/// The top lists read report slices: after the rollup cases they are timed over raw rows (no slices yet), then every
/// slice is built with <see cref="ReportSliceBuilder"/> (timed per slice) and they are timed again. <c>--realistic</c>
/// rewrites paths, agents, referrers (and clients unless <c>clients</c> is given) with <see cref="RealisticCardinality"/>;
/// <c>--toplists</c> skips the rollup and other raw-row cases, <c>--no-raw-toplists</c> the top lists before their slices
/// are built (tens of seconds each); <c>--keep</c> leaves the database in place (for EXPLAIN and
/// SHOW STATUS on the same data), <c>--reuse NAME</c> times a kept one again (migrated to the current schema; only the
/// slices that are due are built, no visitor cases); <c>--only TEXT</c> times only the slice cases whose label contains it.
/// Each case's first call is timed apart ("1st ms": the slices and day sets it reads not yet held in the replica's
/// memory, unless an earlier case read them) and the timed calls start once the replica has read what that call asked
/// for ("fill ms"); <c>--nothing-held</c> turns both caches off, so every call reads the database as a replica's first
/// call does. <c>--held-ahead</c> first runs <see cref="HeldAhead"/> once (its default ranges at 23:47:20, the whole
/// site) and reports what it read and how long a second run takes, so the first calls of the -24h cases show a
/// replica that has been up for a run.
/// </remarks>
internal sealed class ReportsBenchmark(string server, int rows, int runs, int clients, bool rollupsOnly, bool realistic, bool topListsOnly, bool keep = false, bool skipRawTopLists = false, string? reuse = null, string? only = null, bool heldInMemory = true, bool holdAhead = false)
{
    private const int Chunk = 500_000;
    private readonly RealisticCardinality _realistic = new();
    private const int RawRuns = 2;
    private static readonly DateTime Start = new(2026, 11, 20, 0, 0, 0, DateTimeKind.Utc);
    private static readonly (string Name, string Value)[] Day = [("from", "2026-11-20T00:00:00Z"), ("to", "2026-11-21T00:00:00Z")];
    // 23 hours with a partial hour at either end, as "the last 24 hours" usually falls.
    private static readonly (string Name, string Value)[] Unaligned = [("from", "2026-11-20T00:30:00Z"), ("to", "2026-11-20T23:30:00Z")];
    // The same with edges inside 5-minute windows: 4 minutes at either end are counted from raw rows (the worst is just under 5).
    private static readonly (string Name, string Value)[] UnalignedMinutes = [("from", "2026-11-20T00:31:00Z"), ("to", "2026-11-20T23:34:00Z")];
    // "The last 24 hours" as the dashboard asks at 00:03 the next day: the end's partial 5 minutes hold no row after the
    // range, so they are read whole from their set; the start's 2 minutes come from raw rows.
    private static readonly (string Name, string Value)[] LastDay = [("from", "2026-11-20T00:03:00Z"), ("to", "2026-11-21T00:03:00Z")];
    // The dashboard's default range, relative to a fixed "now" inside the data (so runs compare): from=-24h widens to
    // 2026-11-19T23:47 (no rows before the day), to=now to 23:48, so the end cuts 3 minutes out of its 5 minutes.
    private static readonly DateTime RelativeNow = new(2026, 11, 20, 23, 47, 20, DateTimeKind.Utc);
    private static readonly (string Name, string Value)[] Relative = [("from", "-24h"), ("to", "now")];

    public async Task RunAsync(CancellationToken ct)
    {
        var db = reuse is null
            ? await BenchmarkDatabase.CreateAsync(server, "bench_reports", DateOnly.FromDateTime(Start), DateOnly.FromDateTime(Start.AddDays(1)), ct)
            : await BenchmarkDatabase.MigrateAsync(server, reuse, ct);
        try
        {
            if (reuse is null) await LoadAsync(db, ct);
            await using var services = Services(db, heldInMemory);
            var peer = await TimeAsync(RawRuns, () => CountDayAsync(db, ct));
            Console.WriteLine($"{"report",-34} {"p50 ms",9} {"p95 ms",9} {"runs",5}  {"p50 / peer",10}  {"1st ms",8} {"fill ms",8}  source");
            Console.WriteLine($"{"peer: COUNT(*) of the day's rows",-34} {peer.P50,9:0.0} {peer.P95,9:0.0} {RawRuns,5}  {1,10:P0}  raw");
            foreach (var (label, vhost, range) in reuse is null ? VisitorCases() : [])
            {
                var filter = new ReportFilter(new ReportParameters
                {
                    FromUtc = DateTime.Parse(range[0].Value, null, System.Globalization.DateTimeStyles.AdjustToUniversal),
                    ToUtc = DateTime.Parse(range[1].Value, null, System.Globalization.DateTimeStyles.AdjustToUniversal),
                    Vhost = vhost, Step = TimeSpan.FromMinutes(15),
                });
                var database = services.GetRequiredService<ReportDatabase>();
                long visitors = 0;
                Task Query() => database.ReadAsync(filter.VisitorsSql, filter, row => visitors = Convert.ToInt64(row.GetValue(0)), ct);
                await Query();
                var t = await TimeAsync(runs, Query);
                Console.WriteLine($"{label,-34} {t.P50,9:0.0} {t.P95,9:0.0} {runs,5}  {t.P50 / peer.P50,10:P0}  visitors={visitors:N0}");
            }
            if (!topListsOnly) await TimeReportsAsync(services, RollupCases().Concat(rollupsOnly ? [] : RawCases()), peer.P50, ct);
            if (rollupsOnly) return;
            if (!skipRawTopLists)
            {
                Console.WriteLine("-- top lists before their slices are built (raw rows, one timed call each):");
                await TimeReportsAsync(services, SliceCases().Where(c => !c.Query.Any(q => q.Item1 == "from")), peer.P50, ct, once: true);
            }
            await BuildSlicesAsync(db, ct);
            if (holdAhead) await HoldAheadAsync(services, ct);
            Console.WriteLine("-- top lists from report slices:");
            await TimeReportsAsync(services, SliceCases().Where(c => only is null || c.Label.Contains(only, StringComparison.Ordinal)), peer.P50, ct);
            var (parts, partBytes) = services.GetRequiredService<SliceRowCache>().Size;
            var (days, dayBytes) = services.GetRequiredService<DayClientsCache>().Size;
            Console.WriteLine($"held in memory: {parts:N0} slice parts ({partBytes / 1048576.0:0.0} MB), {days:N0} day sets ({dayBytes / 1048576.0:0.0} MB)");
            var live = LiveCases().Where(c => only is null || c.Label.Contains(only, StringComparison.Ordinal)).ToList();
            if (live.Count == 0) return;
            await UnfoldLastHourAsync(db, ct);
            Console.WriteLine("-- live: the last hour unfolded, then folded as the timer would at 23:47:20:");
            await TimeReportsAsync(services, live, peer.P50, ct);
        }
        finally
        {
            if (keep || reuse is not null) Console.WriteLine($"kept the database: {new MySqlConnectionStringBuilder(db).Database}");
            else await BenchmarkDatabase.DropAsync(server, db, ct);
        }
    }

    /// <param name="once">Time one call, no warm-up (raw top lists over 10M rows take tens of seconds each).</param>
    private async Task TimeReportsAsync(IServiceProvider services, IEnumerable<(string Label, string Report, (string, string)[] Query)> cases, double peer,
        CancellationToken ct, bool once = false)
    {
        foreach (var (label, report, query) in cases)
        {
            string? source = null;
            string accuracy = "";
            async Task Call()
            {
                var range = query.Any(q => q.Item1 == "from") ? [] : Day;
                var response = await CallAsync(services, report, [.. range, .. query], ct);
                if (response.StatusCode != 200) throw new InvalidOperationException($"{label}: {response.StatusCode} {response.Body}");
                if (source is not null) return;
                var json = System.Text.Json.JsonDocument.Parse(response.Body).RootElement;
                source = json.GetProperty("source").GetString();
                if (json.TryGetProperty("exact", out var exact))
                    accuracy = $" exact={exact.GetBoolean()} errorUpperBound={json.GetProperty("errorUpperBound")}";
            }
            double first = 0, fill = 0;
            if (!once)
            {
                // Warm-up (plans, pool, buffer pool), timed: the first call of the case in this process.
                var sw = Stopwatch.StartNew();
                await Call();
                first = sw.Elapsed.TotalMilliseconds;
                sw.Restart();
                await services.GetRequiredService<SliceRowCache>().WhenIdleAsync();
                await services.GetRequiredService<DayClientsCache>().WhenIdleAsync();
                fill = sw.Elapsed.TotalMilliseconds;
            }
            var n = once ? 1 : source == "raw" ? RawRuns : runs;
            var t = await TimeAsync(n, Call);
            Console.WriteLine($"{label,-34} {t.P50,9:0.0} {t.P95,9:0.0} {n,5}  {t.P50 / peer,10:P0}  {first,8:0.0} {fill,8:0.0}  {source}{accuracy}");
        }
    }

    /// <summary>Every slice of the day and the day client sets, as the timer builds them; prints the time per slice.</summary>
    private static async Task BuildSlicesAsync(string db, CancellationToken ct)
    {
        var options = new ReportSlicesOptions { MaxSlicesPerRun = 100_000 };
        var clock = new FixedClock(Start.AddDays(2));
        var builder = new ReportSliceBuilder(BenchmarkDatabase.Factory(db), Options.Create(options), clock, NullLogger<ReportSliceBuilder>.Instance);
        var times = new Dictionary<int, List<(double Ms, long Rows)>>();
        async Task TimeAsync(IEnumerable<SliceId> slices, Func<SliceId, Task<long?>> build)
        {
            foreach (var slice in slices)
            {
                var sw = Stopwatch.StartNew();
                if (await build(slice) is not { } written) continue;
                (times.TryGetValue(slice.SpanMinutes, out var list) ? list : times[slice.SpanMinutes] = []).Add((sw.Elapsed.TotalMilliseconds, written));
            }
        }
        await TimeAsync(await builder.DueSlicesAsync(ct), async slice => await builder.BuildAsync(slice, ct));
        // The latency blocks (slowest's merged hours), built from the hour slices after them.
        var blocks = new LatencyBlockBuilder(BenchmarkDatabase.Factory(db), options, clock, NullLogger.Instance);
        await TimeAsync(await blocks.DueAsync(ct), slice => blocks.BuildAsync(slice, ct));
        // The timer also folds the hourly client sets, the site's and the scopes', into day sets (the summary's visitors read them).
        var folding = Stopwatch.StartNew();
        var folded = await new DayClientsFolder(BenchmarkDatabase.Factory(db), options, NullLogger.Instance).FoldAsync(Start.AddDays(2), ct);
        Console.WriteLine($"folded {folded.Hours.Count} hours into day client sets: {folding.Elapsed.TotalSeconds:0.0} s" +
            (folded.Hours.Count > 0 ? $", {folding.Elapsed.TotalMilliseconds / folded.Hours.Count:0} ms per hour" : ""));
        await BenchmarkDatabase.ExecuteAsync(db, "ANALYZE TABLE report_slice, report_slice_value, day_site_clients, day_clients", ct);
        foreach (var (span, list) in times.OrderByDescending(t => t.Key))
        {
            var ms = list.Select(t => t.Ms).Order().ToArray();
            Console.WriteLine($"built {list.Count} slices of {span} min: {ms.Sum() / 1000:0.0} s in all, per slice median {ms[ms.Length / 2]:0} ms, max {ms[^1]:0} ms, " +
                $"{list.Sum(t => t.Rows) / list.Count:N0} rows per slice");
        }
    }

    /// <summary>
    /// As the day sets stand at 23:47:20 live: hour 23:00 never folded as an hour (its record and bits gone, in the site's
    /// and the scopes' day sets), then the timer's fold at that time (prints its time). The next run's set-up folds it again.
    /// </summary>
    private static async Task UnfoldLastHourAsync(string db, CancellationToken ct)
    {
        var hour = RelativeNow.Date.AddHours(23);
        var fives = DayFiveMinutes.Names[hour.Hour / 5];
        await BenchmarkDatabase.ExecuteAsync(db, $"""
            DELETE FROM day_site_clients_hour WHERE hour_utc = '{hour:yyyy-MM-dd HH:mm:ss}';
            DELETE FROM day_site_clients_five WHERE five_utc >= '{hour:yyyy-MM-dd HH:mm:ss}';
            UPDATE day_site_clients SET hours = hours & ~{1L << hour.Hour}, {fives} = {fives} & ~{4095UL << (hour.Hour % 5 * 12)} WHERE day_utc = '{hour:yyyy-MM-dd}';
            UPDATE day_clients SET hours = hours & ~{1L << hour.Hour} WHERE day_utc = '{hour:yyyy-MM-dd}';
            """, ct);
        var folding = Stopwatch.StartNew();
        var folded = await new DayClientsFolder(BenchmarkDatabase.Factory(db), new ReportSlicesOptions(), NullLogger.Instance).FoldAsync(RelativeNow, ct);
        Console.WriteLine($"folded at {RelativeNow:HH:mm:ss}: {folded.Hours.Count} hours and {folded.FiveMinutes.Count} 5 minutes in {folding.Elapsed.TotalMilliseconds:0} ms" +
            (folded.FiveMinutes.Count > 0 ? $", {folding.Elapsed.TotalMilliseconds / folded.FiveMinutes.Count:0} ms per 5 minutes" : ""));
    }

    private sealed class FixedClock(DateTime utc) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(utc);
    }

    /// <summary>Every report over the day, 00:31-23:34, the relative last 24 hours and the day filtered by one vhost; then more filters.</summary>
    private static IEnumerable<(string Label, string Report, (string, string)[] Query)> SliceCases()
    {
        string[] reports = ["summary", "timeseries", "bandwidth95", "paths", "clients", "referrers", "useragents", "statuses", "slowest", "errors"];
        foreach (var report in reports) yield return (report, report, []);
        foreach (var report in reports) yield return ($"{report} 00:31-23:34", report, [.. UnalignedMinutes]);
        foreach (var report in reports) yield return ($"{report} -24h (now 23:47:20)", report, [.. Relative]);
        foreach (var report in reports) yield return ($"{report} vhost=www", report, [("vhost", "www.example.com")]);
        // Every report over both cut ranges with each filter the slices' scopes answer: the cut hours' 5 minutes and
        // minutes come from the scope's slices (top lists) and day sets (summary).
        (string Label, (string, string)[] Query)[] filters =
        [
            ("vhost=www", [("vhost", "www.example.com")]),
            ("host=web-01", [("host", "web-01")]),
            ("vhost=www host=web-01", [("vhost", "www.example.com"), ("host", "web-01")]),
        ];
        foreach (var (filter, filterQuery) in filters)
            foreach (var (range, rangeQuery) in ((string, (string, string)[])[])[("00:31-23:34", UnalignedMinutes), ("-24h (now 23:47:20)", Relative)])
                foreach (var report in reports)
                    yield return ($"{report} {range} {filter}", report, [.. rangeQuery, .. filterQuery]);
        yield return ("paths path=/api", "paths", [("path", "/api")]);
        yield return ("errors status=5xx", "errors", [("status", "5xx")]);
        yield return ("clients limit=1000", "clients", [("limit", "1000")]);
        // "Export the top 1000": every top list at the largest default limit over the three 24-hour ranges.
        foreach (var report in new[] { "paths", "referrers", "useragents" }) yield return ($"{report} limit=1000", report, [("limit", "1000")]);
        foreach (var report in new[] { "paths", "clients", "referrers", "useragents" })
        {
            yield return ($"{report} 00:31-23:34 limit=1000", report, [.. UnalignedMinutes, ("limit", "1000")]);
            yield return ($"{report} -24h (now 23:47:20) limit=1000", report, [.. Relative, ("limit", "1000")]);
        }
        // A range moved on by a minute, as the dashboard's asks one refresh later: one minute slice more than the
        // cases above read (its "1st ms" is the call that reads it itself).
        (string, string)[] minuteLater = [("from", "2026-11-20T00:31:00Z"), ("to", "2026-11-20T23:35:00Z")];
        foreach (var report in new[] { "slowest", "paths", "clients", "summary" })
            yield return ($"{report} 00:31-23:35 (a minute on)", report, [.. minuteLater]);
    }

    /// <summary>"The last 24 hours" at 23:47:20 with the current hour not yet folded (<see cref="UnfoldLastHourAsync"/>).</summary>
    private static IEnumerable<(string Label, string Report, (string, string)[] Query)> LiveCases() =>
    [
        ("summary -24h live (now 23:47:20)", "summary", [.. Relative]),
        ("summary -24h live vhost=www", "summary", [.. Relative, ("vhost", "www.example.com")]),
    ];

    private static IEnumerable<(string Label, string? Vhost, (string Name, string Value)[] Range)> VisitorCases() =>
    [
        ("visitors query alone", null, Day),
        ("visitors query alone vhost=www", "www.example.com", Day),
        ("visitors query alone 00:30-23:30", null, Unaligned),
        ("visitors query alone 00:31-23:34", null, UnalignedMinutes),
        ("visitors 00:30-23:30 vhost=www", "www.example.com", Unaligned),
        ("visitors 00:31-23:34 vhost=www", "www.example.com", UnalignedMinutes),
        ("visitors 00:03-24:03 (last 24 h)", null, LastDay),
        ("visitors 00:03-24:03 vhost=www", "www.example.com", LastDay),
    ];

    private static IEnumerable<(string Label, string Report, (string, string)[] Query)> RollupCases() =>
    [
        ("summary 00:30-23:30", "summary", [.. Unaligned]),
        ("summary 00:31-23:34", "summary", [.. UnalignedMinutes]),
        ("summary 00:31-23:34 vhost=www", "summary", [.. UnalignedMinutes, ("vhost", "www.example.com")]),
        ("timeseries 00:31-23:34 (15 min)", "timeseries", [.. UnalignedMinutes]),
        ("timeseries step=1m vhost=www", "timeseries", [("step", "1m"), ("vhost", "www.example.com")]),
        ("summary", "summary", []),
        ("summary vhost=www.example.com", "summary", [("vhost", "www.example.com")]),
        ("timeseries (15 min steps)", "timeseries", []),
        ("timeseries step=1m", "timeseries", [("step", "1m")]),
        ("bandwidth95", "bandwidth95", []),
    ];

    private static IEnumerable<(string Label, string Report, (string, string)[] Query)> RawCases() =>
    [
        ("summary status=5xx", "summary", [("status", "5xx")]),
        ("timeseries path=/api", "timeseries", [("path", "/api")]),
        ("lines limit=100", "lines", []),
        ("lines status=503 limit=100", "lines", [("status", "503")]),
    ];

    private async Task LoadAsync(string db, CancellationToken ct)
    {
        var builder = new AccessRecordBuilder(Start, seed: 11, linesPerMinute: Math.Max(1, rows / 1440), hosts: ["web-01", "web-02", "web-03"]);
        var file = Path.Combine(Path.GetTempPath(), $"nginxpulse-bench-reports-{Environment.ProcessId}.tsv");
        var sw = Stopwatch.StartNew();
        try
        {
            for (long first = 0; first < rows; first += Chunk)
            {
                var count = (int)Math.Min(Chunk, rows - first);
                var records = new List<AccessRecord>(count);
                for (var i = 0; i < count; i++) records.Add(AccessRecordLimits.Normalize(Record(builder, first + i)));
                await AccessLogLoadDataWriter.WriteFileAsync(file, records, ct);
                await using var connection = await BenchmarkDatabase.Factory(db).OpenAsync(ct);
                await AccessLogLoadDataWriter.Loader(connection, file).LoadAsync(ct);
                File.Delete(file);
            }
        }
        finally { File.Delete(file); }
        Console.WriteLine($"loaded {rows:N0} rows in {sw.Elapsed.TotalSeconds:0} s");

        sw.Restart();
        var rollups = new RollupWriter();
        for (var hour = 0; hour < 24; hour++)
        {
            // The store's own recomputation, one hour per transaction: the rollups an ingest would have written.
            await using var connection = await BenchmarkDatabase.Factory(db).OpenAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(ct);
            var minutes = Enumerable.Range(0, 60).Select(m => Start.AddHours(hour).AddMinutes(m));
            var writes = await rollups.RecomputeAsync(new StatementBatch(connection, transaction), minutes, ct);
            await writes.ExecuteAsync(ct);
            await transaction.CommitAsync(ct);
        }
        const string hourOf = "CAST(DATE_FORMAT(time_utc, '%Y-%m-%d %H:00:00') AS DATETIME)";
        var client = ClientHash.Sql("COALESCE(client_ip, remote_addr)");
        await BenchmarkDatabase.ExecuteAsync(db, $"INSERT INTO hourly_clients (hour_utc, vhost, host, client_hash) SELECT DISTINCT {hourOf}, vhost, host, {client} FROM access_log", ct);
        await BenchmarkDatabase.ExecuteAsync(db, $"INSERT INTO hourly_site_clients (hour_utc, client_hash) SELECT DISTINCT {hourOf}, {client} FROM access_log", ct);
        const string fiveMinutesOf = $"{hourOf} + INTERVAL (MINUTE(time_utc) DIV 5 * 5) MINUTE";
        await BenchmarkDatabase.ExecuteAsync(db, $"INSERT INTO five_minute_site_clients (minute_utc, client_hash) SELECT DISTINCT {fiveMinutesOf}, {client} FROM access_log", ct);
        await BenchmarkDatabase.ExecuteAsync(db, $"INSERT INTO five_minute_clients (minute_utc, vhost, host, client_hash) SELECT DISTINCT {fiveMinutesOf}, vhost, host, {client} FROM access_log", ct);
        await BenchmarkDatabase.ExecuteAsync(db, "ANALYZE TABLE access_log, rollup_minute, rollup_histogram_minute, rollup_histogram_minute_by_hour, rollup_site_minute, hourly_clients, hourly_site_clients, five_minute_site_clients, five_minute_clients", ct);
        Console.WriteLine($"computed the rollups with the store's recomputation and the client sets with INSERT ... SELECT in {sw.Elapsed.TotalSeconds:0} s");
    }

    private AccessRecord Record(AccessRecordBuilder builder, long line)
    {
        var record = WithClient(builder.Build(line), line);
        return realistic ? _realistic.Apply(record, line, clients: clients <= 0) : record;
    }

    private AccessRecord WithClient(AccessRecord record, long line)
    {
        if (clients <= 0) return record;
        var hour = (int)(record.TimeUtc - Start).TotalHours;
        var pool = Math.Max(1, clients / 4);
        var index = (hour * clients / 24 + (int)(unchecked((ulong)line * 0x9E3779B97F4A7C15UL) % (ulong)pool)) % clients;
        var ip = $"10.{index >> 16 & 255}.{index >> 8 & 255}.{index & 255}";
        record.RemoteAddr = ip;
        record.ClientIp = ip;
        return record;
    }

    private static async Task HoldAheadAsync(IServiceProvider services, CancellationToken ct)
    {
        var (ahead, slices, days) = (services.GetRequiredService<HeldAhead>(), services.GetRequiredService<SliceRowCache>(), services.GetRequiredService<DayClientsCache>());
        var first = Stopwatch.StartNew();
        await ahead.RunOnceAsync(ct);
        var asked = first.Elapsed.TotalMilliseconds;
        await slices.WhenIdleAsync();
        await days.WhenIdleAsync();
        var filled = first.Elapsed.TotalMilliseconds;
        var second = Stopwatch.StartNew();
        await ahead.RunOnceAsync(ct);
        var (parts, partBytes) = slices.Size;
        var (sets, setBytes) = days.Size;
        Console.WriteLine($"held ahead ({services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ReportsOptions>>().Value.HoldAheadRanges} at {RelativeNow:HH:mm:ss}): " +
            $"{parts:N0} slice parts ({partBytes / 1048576.0:0.0} MB), {sets:N0} day sets ({setBytes / 1048576.0:0.0} MB); run {asked:0} ms, " +
            $"read {filled:0} ms; a second run (all held) {second.Elapsed.TotalMilliseconds:0.0} ms");
    }

    private static ServiceProvider Services(string db, bool heldInMemory)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(BenchmarkDatabase.Factory(db));
        services.AddSingleton<TimeProvider>(new FixedClock(RelativeNow));
        services.AddReports(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Reports:QueryTimeout"] = "00:10:00",
            ["Reports:SliceCacheMegabytes"] = heldInMemory ? "1024" : "0",
            ["Reports:DayClientsCacheMegabytes"] = heldInMemory ? "1024" : "0",
        }).Build());
        return services.BuildServiceProvider();
    }

    private static async Task<HttpFunctionResponse> CallAsync(IServiceProvider services, string report, (string Name, string Value)[] query, CancellationToken ct)
    {
        using var scope = services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<ReportsFunction>().HandleAsync(new HttpFunctionRequest
        {
            Method = "GET",
            Path = "/api/reports/" + report,
            RouteValues = new Dictionary<string, string> { ["report"] = report },
            Query = query.ToDictionary(q => q.Name, q => q.Value, StringComparer.OrdinalIgnoreCase),
        }, ct);
    }

    private static async Task CountDayAsync(string db, CancellationToken ct)
    {
        await using var connection = await BenchmarkDatabase.Factory(db).OpenAsync(ct);
        await using var cmd = new MySqlCommand("SELECT COUNT(*) FROM access_log WHERE time_utc >= '2026-11-20' AND time_utc < '2026-11-21'", connection) { CommandTimeout = 600 };
        await cmd.ExecuteScalarAsync(ct);
    }

    private static async Task<(double P50, double P95)> TimeAsync(int n, Func<Task> action)
    {
        var times = new double[n];
        for (var i = 0; i < n; i++)
        {
            var sw = Stopwatch.StartNew();
            await action();
            times[i] = sw.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        return (times[(int)Math.Ceiling(0.5 * n) - 1], times[(int)Math.Ceiling(0.95 * n) - 1]);
    }
}
