using System.Text;

namespace NginxPulse.Shipper.Tests.Support;

/// <summary>The lines the contract tests ship: non-ASCII UTF-8, bytes that are not UTF-8, and one longer than 200 bytes.</summary>
public static class ContractLines
{
    public const int MaxLineBytes = 200;

    public static byte[][] Create() =>
    [
        Encoding.UTF8.GetBytes(LogLines.Line(1).Replace("/item", "/café/日本")),
        [.. Encoding.ASCII.GetBytes("seq=2 203.0.113.9 - - [21/Nov/2026:12:00:01 +0000] \"GET /"), 0xE9, 0xFF, .. Encoding.ASCII.GetBytes("\" 400 0 \"-\" \"-\"")],
        Encoding.UTF8.GetBytes("seq=3 " + new string('x', 500)),
    ];

    /// <summary>Appends each line and its newline to <paramref name="path"/>.</summary>
    public static void Append(string path, IEnumerable<byte[]> lines)
    {
        foreach (var line in lines) LogLines.AppendBytes(path, [.. line, (byte)'\n']);
    }
}
