using Microsoft.Win32.SafeHandles;

namespace NginxPulse.Shipper.Files;

/// <summary>Finds where a line starts, so reading "from the end" never begins in the middle of a line.</summary>
public static class LineBoundary
{
    /// <summary>The offset just after the last newline before <paramref name="size"/>, or 0 if there is none.</summary>
    public static long LastBefore(SafeFileHandle handle, long size)
    {
        var chunk = new byte[64 * 1024];
        var end = size;
        while (end > 0)
        {
            var start = Math.Max(0, end - chunk.Length);
            var n = RandomAccess.Read(handle, chunk.AsSpan(0, (int)(end - start)), start);
            var newline = chunk.AsSpan(0, n).LastIndexOf((byte)'\n');
            if (newline >= 0) return start + newline + 1;
            end = start;
        }
        return 0;
    }
}
