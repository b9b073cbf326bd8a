namespace NginxPulse.KafkaMock;

/// <summary>
/// Hands the bootstrap list to other processes. Readers poll for the file, so it must never be seen half-written:
/// write a sibling temp file, then rename it over the target (atomic within one file system).
/// </summary>
public sealed class BootstrapFile(string path)
{
    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public async Task WriteAsync(string bootstrapServers, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var temp = $"{Path}.{Environment.ProcessId}.tmp";
        await File.WriteAllTextAsync(temp, bootstrapServers + "\n", cancellationToken);
        File.Move(temp, Path, overwrite: true);
    }

    /// <summary>Removes the file only if it still names this broker, so a newer broker's file survives.</summary>
    public void RemoveIfOwned(string bootstrapServers)
    {
        if (File.Exists(Path) && File.ReadAllText(Path).Trim() == bootstrapServers) File.Delete(Path);
    }
}
