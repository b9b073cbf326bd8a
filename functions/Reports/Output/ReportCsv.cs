using System.Globalization;
using System.Text;
using NginxPulse.Functions.Reports.Queries;

namespace NginxPulse.Functions.Reports.Output;

/// <summary>
/// RFC 4180 CSV: a header row, CRLF line ends, fields quoted when they hold a comma, quote or line break. A text cell
/// starting with = + - @ (or tab/CR) is prefixed with a single quote so a spreadsheet shows it instead of running it
/// as a formula (CSV injection: paths, referrers and user agents are attacker-controlled).
/// </summary>
public static class ReportCsv
{
    public static string Write(ReportTable table)
    {
        var csv = new StringBuilder();
        AppendRow(csv, table.Columns.Cast<object?>());
        foreach (var row in table.Rows) AppendRow(csv, row);
        return csv.ToString();
    }

    private static void AppendRow(StringBuilder csv, IEnumerable<object?> values)
    {
        var first = true;
        foreach (var value in values)
        {
            if (!first) csv.Append(',');
            first = false;
            csv.Append(Field(value));
        }
        csv.Append("\r\n");
    }

    private static string Field(object? value) => value switch
    {
        null => "",
        string text => Quote(Defuse(text)),
        DateTime time => ReportValues.Time(time),
        double number => number.ToString("R", CultureInfo.InvariantCulture),
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => Quote(Defuse(value.ToString() ?? "")),
    };

    private static string Defuse(string text) =>
        text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + text : text;

    private static string Quote(string text) =>
        text.AsSpan().IndexOfAny(",\"\r\n") < 0 ? text : "\"" + text.Replace("\"", "\"\"") + "\"";
}
