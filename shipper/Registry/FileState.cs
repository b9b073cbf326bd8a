namespace NginxPulse.Shipper.Registry;

/// <summary>What the agent knows about one file identity, whether or not the file is open right now.</summary>
public sealed class FileState(string fileId, string path, long offset)
{
    public string FileId { get; } = fileId;

    public string Path { get; set; } = path;

    public AckTracker Acks { get; } = new(offset);

    /// <summary>Where reading continues when the file is opened again in this process (lines beyond the acknowledged offset may still be in flight).</summary>
    public long ResumeOffset { get; set; } = offset;

    /// <summary>Bytes in the file when last looked at, for the lag metric.</summary>
    public long Size { get; set; }

    public DateTime LastSeenUtc { get; set; } = DateTime.UtcNow;

    public bool IsOpen { get; set; }

    /// <summary>The content can never be read again (deleted, truncated or replaced): forget it once everything is acknowledged.</summary>
    public bool IsGone { get; set; }

    public static (ulong Device, ulong Inode)? InodeOf(string fileId)
    {
        var parts = fileId.Split(':');
        return parts.Length == 3 && ulong.TryParse(parts[0], out var d) && ulong.TryParse(parts[1], out var i) ? (d, i) : null;
    }
}
