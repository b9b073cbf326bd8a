namespace NginxPulse.Functions.Reports.Slices;

/// <summary>
/// The site's day sets (day_site_clients) keep, besides a bit per hour, a bit per 5 minutes a client was seen in: 288
/// bits in five BIGINT UNSIGNED columns (fives_0 … fives_4), each five hours of twelve bits (hour h's 5 minutes in
/// column h DIV 5 from bit h MOD 5 * 12 on). They answer the whole 5 minutes of the partial hours at either end of an
/// unaligned range from the one row per client the whole hours already read.
/// </summary>
public static class DayFiveMinutes
{
    private const int Columns = 5;

    public static IReadOnlyList<string> Names { get; } = [.. Enumerable.Range(0, Columns).Select(k => $"fives_{k}")];

    /// <summary>Per column: the SQL placing <paramref name="fives"/> (a 12-bit mask of the 5 minutes of <paramref name="hour"/>) in that column, else 0.</summary>
    public static IEnumerable<string> Place(string hour, string fives) =>
        Enumerable.Range(0, Columns).Select(k => $"IF(HOUR({hour}) DIV 5 = {k}, ({fives}) << (HOUR({hour}) MOD 5 * 12), 0)");

    /// <summary>The column holding the bit of the 5 minutes starting at <paramref name="five"/>.</summary>
    public static string Column(DateTime five) => Names[five.Hour / 5];

    /// <summary>The bit of the 5 minutes starting at <paramref name="five"/> in its <see cref="Column"/>.</summary>
    public static ulong Bit(DateTime five) => 1UL << (five.Hour % 5 * 12 + five.Minute / 5);

    /// <summary>The 12-bit mask of the whole 5 minutes in [<paramref name="from"/>, <paramref name="to"/>), both in one hour (to may be its end) and on 5 minutes.</summary>
    public static ulong Mask(DateTime from, DateTime to)
    {
        var hour = new DateTime(from.Year, from.Month, from.Day, from.Hour, 0, 0, from.Kind);
        var first = (int)((from - hour).TotalMinutes / 5);
        var end = (int)((to - hour).TotalMinutes / 5);
        return ((1UL << end) - 1) & ~((1UL << first) - 1);
    }
}
