using System.Text;
using System.Text.Json;
using NginxPulse.Functions.Reports.Parameters;
using NginxPulse.Functions.Reports.Queries;

namespace NginxPulse.Functions.Reports.Output;

/// <summary>
/// <c>{"report","from","to","source","rows":[{column: value}], "nextCursor"}</c>: one object per row keyed by the
/// column names, so scripts read fields by name.
/// </summary>
public static class ReportJson
{
    public static string Write(string report, ReportParameters parameters, ReportTable table)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("report", report);
            json.WriteString("from", ReportValues.Time(parameters.FromUtc));
            json.WriteString("to", ReportValues.Time(parameters.ToUtc));
            json.WriteString("source", table.Source switch { ReportSource.Rollup => "rollup", ReportSource.Mixed => "mixed", _ => "raw" });
            json.WriteStartArray("rows");
            foreach (var row in table.Rows)
            {
                json.WriteStartObject();
                for (var i = 0; i < table.Columns.Count; i++)
                {
                    json.WritePropertyName(table.Columns[i]);
                    WriteValue(json, row[i]);
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
            if (table.Accuracy is { } accuracy)
            {
                json.WriteBoolean("exact", accuracy.Exact);
                if (accuracy.ErrorUpperBound is { } bound) json.WriteNumber("errorUpperBound", bound);
                else json.WriteNull("errorUpperBound");
            }
            if (table.NextCursor is { } cursor) json.WriteString("nextCursor", cursor);
            else json.WriteNull("nextCursor");
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteValue(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null: json.WriteNullValue(); break;
            case string text: json.WriteStringValue(text); break;
            case DateTime time: json.WriteStringValue(ReportValues.Time(time)); break;
            case long number: json.WriteNumberValue(number); break;
            case int number: json.WriteNumberValue(number); break;
            case double number: json.WriteNumberValue(number); break;
            default: throw new ArgumentException($"unexpected report value type {value.GetType().Name}", nameof(value));
        }
    }
}
