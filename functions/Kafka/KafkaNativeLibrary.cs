using System.Reflection;
using System.Runtime.InteropServices;

namespace NginxPulse.Functions.Kafka;

/// <summary>
/// Confluent.Kafka 1.9.3 probes for "libdl" and its bundled "librdkafka" by names Debian does not ship;
/// map them to the OS libraries (ENVIRONMENT.md). Must run before the first Confluent.Kafka call.
/// </summary>
public static class KafkaNativeLibrary
{
    private static int registered;

    public static void Register()
    {
        if (Interlocked.Exchange(ref registered, 1) == 1) return;
        NativeLibrary.SetDllImportResolver(typeof(Confluent.Kafka.Library).Assembly, Resolve);
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (name == "libdl" || name.StartsWith("libdl.", StringComparison.Ordinal))
            return NativeLibrary.Load("libdl.so.2");
        if (name.Contains("librdkafka", StringComparison.Ordinal))
            return NativeLibrary.Load("librdkafka.so.1");
        return IntPtr.Zero;
    }
}
