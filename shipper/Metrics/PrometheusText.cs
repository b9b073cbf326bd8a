using System.Globalization;
using System.Text;
using NginxPulse.Shipper.Kafka;
using NginxPulse.Shipper.Runtime;

namespace NginxPulse.Shipper.Metrics;

/// <summary>The agent's metrics in the Prometheus text exposition format.</summary>
public sealed class PrometheusText(ShipperMetrics metrics, InFlightBudget budget, LogShipper shipper)
{
    public string Render()
    {
        var text = new StringBuilder();
        Metric(text, "lines_read_total", "counter", "Lines read from log files.", metrics.LinesRead);
        Metric(text, "bytes_read_total", "counter", "Bytes of lines read from log files.", metrics.BytesRead);
        Metric(text, "lines_acknowledged_total", "counter", "Lines acknowledged by Kafka.", metrics.LinesAcked);
        Metric(text, "event_bytes_acknowledged_total", "counter", "Event bytes acknowledged by Kafka.", metrics.BytesAcked);
        Metric(text, "lines_truncated_total", "counter", "Lines cut at the input's MaxLineBytes.", metrics.LinesTruncated);
        Metric(text, "errors_total", "counter", "Delivery, read and close errors.", metrics.Errors);
        Metric(text, "in_flight_messages", "gauge", "Events produced and not yet acknowledged.", budget.Messages);
        Metric(text, "in_flight_bytes", "gauge", "Event bytes produced and not yet acknowledged.", budget.Bytes);
        var tails = shipper.OpenTails.ToList();
        Metric(text, "open_files", "gauge", "Files open for reading.", tails.Count);
        text.Append("# HELP nginxpulse_shipper_file_lag_bytes Bytes of the file not yet acknowledged by Kafka.\n# TYPE nginxpulse_shipper_file_lag_bytes gauge\n");
        foreach (var tail in tails)
        {
            var state = tail.State;
            var lag = Math.Max(state.Size, state.ResumeOffset) - state.Acks.AckedOffset;
            text.Append(CultureInfo.InvariantCulture, $"nginxpulse_shipper_file_lag_bytes{{path=\"{Escape(state.Path)}\",file_id=\"{Escape(state.FileId)}\",input=\"{Escape(tail.Input.Name)}\"}} {Math.Max(0, lag)}\n");
        }
        return text.ToString();
    }

    private static void Metric(StringBuilder text, string name, string type, string help, long value) =>
        text.Append(CultureInfo.InvariantCulture, $"# HELP nginxpulse_shipper_{name} {help}\n# TYPE nginxpulse_shipper_{name} {type}\nnginxpulse_shipper_{name} {value}\n");

    private static string Escape(string value) => value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");
}
