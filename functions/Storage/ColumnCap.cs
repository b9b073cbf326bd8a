namespace NginxPulse.Functions.Storage;

/// <summary>Cuts strings to a VARCHAR(n) utf8mb4 column without splitting a surrogate pair.</summary>
internal static class ColumnCap
{
    /// <summary>
    /// At most <paramref name="maxChars"/> UTF-16 units, which is never more than n code points: the column limit.
    /// Sets <paramref name="truncated"/> when something was cut.
    /// </summary>
    public static string? Cap(string? value, int maxChars, ref bool truncated)
    {
        if (value is null || value.Length <= maxChars) return value;
        truncated = true;
        var end = maxChars;
        if (char.IsHighSurrogate(value[end - 1])) end--;
        return value[..end];
    }

    public static string CapRequired(string value, int maxChars, ref bool truncated) => Cap(value, maxChars, ref truncated)!;
}
