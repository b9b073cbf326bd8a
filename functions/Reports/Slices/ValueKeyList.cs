using System.Globalization;

namespace NginxPulse.Functions.Reports.Slices;

/// <summary>
/// Value keys (<see cref="Storage.ClientHash"/>) written as the list of an SQL <c>IN</c>, every one typed unsigned.
/// MariaDB 10.11 reads a key literal above 2^63 as a DECIMAL and one below as a signed integer; a list mixing the two
/// builds no index range (the range is scanned) and is compared item by item instead of binary-searched (measured: 250
/// ms instead of 20 ms for 675 keys over a day's slice rows).
/// </summary>
public static class ValueKeyList
{
    public static string Sql(IEnumerable<ulong> keys) =>
        string.Join(", ", keys.Select(k => $"CAST({k.ToString(CultureInfo.InvariantCulture)} AS UNSIGNED)"));
}
