using System.Globalization;

namespace NginxPulse.Functions.Reports.Queries;

/// <summary>Client keys sent as one string of 16 hex digits each (<see cref="ReportFilter.VisitorsOutsideDaySetsSql"/>).</summary>
public static class PackedClientKeys
{
    /// <summary>The longest packed string asked for: 1,048,576 keys per row, far more than a row (a 256th of the keys) holds.</summary>
    public const int MaxLength = 16 * 1024 * 1024;

    /// <summary>Adds the <paramref name="count"/> keys of <paramref name="packed"/>; throws when it does not hold exactly that many.</summary>
    public static void AddTo(HashSet<ulong> keys, string packed, long count)
    {
        if (packed.Length != count * 16)
            throw new InvalidOperationException($"A packed list of client keys holds {packed.Length} hex digits for {count} keys: cut short by group_concat_max_len or max_allowed_packet.");
        for (var i = 0; i < packed.Length; i += 16)
            keys.Add(ulong.Parse(packed.AsSpan(i, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
    }
}
