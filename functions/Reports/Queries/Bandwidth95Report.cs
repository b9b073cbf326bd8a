using NginxPulse.Functions.Reports.Parameters;

namespace NginxPulse.Functions.Reports.Queries;

/// <summary>
/// 95th-percentile bandwidth, as CDNs and transit providers bill it: the bytes sent in each 5-minute window from
/// <c>from</c> become a bits-per-second sample (windows without traffic are samples of 0), the samples are sorted and
/// the top 5 % discarded; the highest remaining sample is the figure.
/// </summary>
public sealed class Bandwidth95Report(ReportDatabase database) : IReport
{
    public static readonly TimeSpan Sample = TimeSpan.FromMinutes(5);

    private static readonly string[] Columns =
        ["samples", "sampleSeconds", "totalBytes", "p95BitsPerSecond", "maxBitsPerSecond", "avgBitsPerSecond"];

    public string Name => "bandwidth95";

    public async Task<ReportTable> RunAsync(ReportParameters parameters, CancellationToken ct)
    {
        var filter = new ReportFilter(parameters);
        filter.Add("@sample_minutes", (long)Sample.TotalMinutes);
        var bytes = new long[parameters.Buckets(Sample)];
        await database.ReadAsync(
            $"{filter.MinutesCte} SELECT GREATEST(0, TIMESTAMPDIFF(MINUTE, @from, minute_utc) DIV @sample_minutes) AS b, SUM(bytes) FROM m GROUP BY b",
            filter, row => bytes[Convert.ToInt32(row.GetValue(0))] = Convert.ToInt64(row.GetValue(1)), ct);

        var total = bytes.Sum();
        var bitsPerSecond = bytes.Select(b => b * 8.0 / Sample.TotalSeconds).Order().ToArray();
        // Nearest rank: the sample at position ceil(0.95 n) in ascending order.
        var p95 = bitsPerSecond[(int)Math.Ceiling(0.95 * bitsPerSecond.Length) - 1];
        object?[] row =
        [
            (long)bitsPerSecond.Length, (long)Sample.TotalSeconds, total, Math.Round(p95, 1), Math.Round(bitsPerSecond[^1], 1),
            Math.Round(total * 8.0 / (bitsPerSecond.Length * Sample.TotalSeconds), 1),
        ];
        return new ReportTable(Columns, [row], filter.MinuteSource);
    }
}
