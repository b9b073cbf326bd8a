using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace NginxPulse.Shipper.Files;

/// <summary>
/// What stat(2) says about a file: device and inode (its identity on disk), link count (0 once deleted) and size.
/// .NET exposes none of device, inode or link count, so this reads struct stat directly; the offsets below are the
/// Linux layouts of x86-64 and arm64 (dev, ino and size sit at the same offsets in both, nlink differs).
/// </summary>
public readonly partial record struct FileStat(ulong Device, ulong Inode, ulong Links, long Size)
{
    private const int StatBufferSize = 256;

    public static bool TryGet(string path, out FileStat stat) => TryRead(buffer => stat_(path, buffer), out stat);

    public static bool TryGet(SafeFileHandle handle, out FileStat stat)
    {
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            var fd = (int)handle.DangerousGetHandle();
            return TryRead(buffer => fstat(fd, buffer), out stat);
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    private static bool TryRead(Func<byte[], int> call, out FileStat stat)
    {
        var buffer = new byte[StatBufferSize];
        if (call(buffer) != 0) { stat = default; return false; }
        var links = RuntimeInformation.ProcessArchitecture == Architecture.Arm64
            ? BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(20))
            : BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(16));
        stat = new FileStat(
            BinaryPrimitives.ReadUInt64LittleEndian(buffer),
            BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(8)),
            links,
            BinaryPrimitives.ReadInt64LittleEndian(buffer.AsSpan(48)));
        return true;
    }

    // Source-generated marshalling: precompiled with the rest of the agent, where DllImport needs a stub compiled at run time.
    [LibraryImport("libc", EntryPoint = "stat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int stat_(string path, byte[] buffer);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fstat(int fd, byte[] buffer);
}
