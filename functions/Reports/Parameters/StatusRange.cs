namespace NginxPulse.Functions.Reports.Parameters;

/// <summary>Status codes [Low, High): one code (404 → 404..405) or a class (5xx → 500..600).</summary>
public readonly record struct StatusRange(int Low, int High)
{
    private const int MaxItems = 20;

    /// <summary>Parses a comma list such as <c>404,5xx</c>.</summary>
    public static IReadOnlyList<StatusRange> ParseList(string text)
    {
        var items = text.Split(',', StringSplitOptions.TrimEntries);
        if (items.Length > MaxItems)
            throw new ReportParameterException("status", $"at most {MaxItems} codes or classes");
        return items.Select(Parse).Distinct().ToList();
    }

    private static StatusRange Parse(string item)
    {
        if (item.Length == 3 && item[0] is >= '1' and <= '5' && item[1..].Equals("xx", StringComparison.OrdinalIgnoreCase))
        {
            var low = (item[0] - '0') * 100;
            return new StatusRange(low, low + 100);
        }
        if (item.Length is > 0 and <= 3 && item.All(char.IsAsciiDigit))
        {
            var code = int.Parse(item, System.Globalization.CultureInfo.InvariantCulture);
            return new StatusRange(code, code + 1);
        }
        throw new ReportParameterException("status", "expected comma-separated codes (404) or classes (1xx..5xx)");
    }
}
