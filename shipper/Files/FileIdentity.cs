using Microsoft.Win32.SafeHandles;

namespace NginxPulse.Shipper.Files;

/// <summary>
/// A file's identity across renames: device, inode and a fingerprint of its first line (at most N bytes).
/// The first line of an append-only log never changes, so the fingerprint is the same whenever it is taken — after a
/// restart, a rotation or a lost registry — which keeps the ingest id hash(host, fileId, offset) stable. A reused
/// inode or a truncated-and-rewritten file starts with another line and so gets another identity.
/// </summary>
public sealed record FileIdentity(ulong Device, ulong Inode, string Fingerprint)
{
    public string Id { get; } = $"{Device}:{Inode}:{Fingerprint}";

    /// <summary>Null while the file holds neither a complete first line nor <paramref name="maxBytes"/> bytes.</summary>
    public static string? TryFingerprint(SafeFileHandle handle, int maxBytes)
    {
        var buffer = new byte[maxBytes];
        var read = 0;
        while (read < maxBytes)
        {
            var n = RandomAccess.Read(handle, buffer.AsSpan(read), read);
            if (n == 0) break;
            read += n;
        }
        var newline = buffer.AsSpan(0, read).IndexOf((byte)'\n');
        var length = newline >= 0 ? newline + 1 : read;
        if (newline < 0 && read < maxBytes) return null;
        return Convert.ToHexStringLower(Sha256.Hash(buffer.AsSpan(0, length))[..16]);
    }
}
