using System.Text;

namespace NginxPulse.Shipper.Tests.Support;

/// <summary>Writes numbered access-log-like lines, the way nginx does: appended, one write per line.</summary>
public static class LogLines
{
    public static string Line(int seq) =>
        $"203.0.113.{seq % 250} - - [21/Nov/2026:12:00:{seq % 60:00} +0000] \"GET /item?seq={seq} HTTP/1.1\" 200 {seq % 5000} \"-\" \"curl/8.0\"";

    public static void Append(string path, int from, int to)
    {
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        for (var seq = from; seq <= to; seq++) stream.Write(Encoding.UTF8.GetBytes(Line(seq) + "\n"));
    }

    public static void AppendBytes(string path, byte[] bytes)
    {
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        stream.Write(bytes);
    }
}
