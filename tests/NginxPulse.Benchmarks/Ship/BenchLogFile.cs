namespace NginxPulse.Benchmarks.Ship;

/// <summary>
/// Real nginx lines from the shared sample logs, repeated to the wanted count. Empty lines, lines with control
/// characters and lines over 4 KiB are left out so all three contenders see the same, plain message set (rsyslog
/// would cut or escape them differently).
/// </summary>
public sealed class BenchLogFile
{
    private const int MaxLine = 4096;
    private readonly List<byte[]> lines;

    private BenchLogFile(List<byte[]> lines) => this.lines = lines;

    public int SourceLines => lines.Count;

    public static BenchLogFile FromSamples(string directory)
    {
        var lines = new List<byte[]>();
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            foreach (var line in SplitLines(File.ReadAllBytes(file)))
                if (line.Length is > 0 and <= MaxLine && !line.AsSpan().ContainsAnyInRange((byte)0, (byte)31)) lines.Add(line);
        return lines.Count > 0 ? new BenchLogFile(lines) : throw new InvalidOperationException($"no usable lines under {directory}");
    }

    /// <summary>Line <paramref name="index"/> of the endless repetition of the sample lines.</summary>
    public byte[] Line(long index) => lines[(int)(index % lines.Count)];

    public async Task<long> WriteAsync(string path, long count)
    {
        await using var output = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 20);
        long bytes = 0;
        for (long i = 0; i < count; i++)
        {
            var line = Line(i);
            await output.WriteAsync(line);
            output.WriteByte((byte)'\n');
            bytes += line.Length + 1;
        }
        return bytes;
    }

    private static IEnumerable<byte[]> SplitLines(byte[] content)
    {
        var start = 0;
        for (var i = 0; i < content.Length; i++)
        {
            if (content[i] != '\n') continue;
            yield return content[start..i];
            start = i + 1;
        }
    }
}
