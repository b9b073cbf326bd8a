using System.Reflection;
using System.Runtime.InteropServices;

namespace NginxPulse.Shipper.Tests.Support;

/// <summary>
/// Confluent.Kafka 1.9.3 probes for "libdl" and its bundled "librdkafka" by names Debian does not ship; map them to
/// the OS libraries (apt librdkafka1). Must run before the first Confluent.Kafka call. The tests read the topic with
/// Confluent.Kafka's consumer; the shipper itself calls librdkafka directly (shipper/Kafka/Native).
/// </summary>
public static class KafkaNativeLibrary
{
    private static int registered;

    public static void Register()
    {
        if (Interlocked.Exchange(ref registered, 1) == 0)
            NativeLibrary.SetDllImportResolver(typeof(Confluent.Kafka.Library).Assembly, Resolve);
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path) => name switch
    {
        _ when name == "libdl" || name.StartsWith("libdl.", StringComparison.Ordinal) => NativeLibrary.Load("libdl.so.2"),
        _ when name.Contains("librdkafka", StringComparison.Ordinal) => NativeLibrary.Load("librdkafka.so.1"),
        _ => IntPtr.Zero,
    };
}
