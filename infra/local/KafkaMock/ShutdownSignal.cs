using System.Runtime.InteropServices;

namespace NginxPulse.KafkaMock;

/// <summary>
/// Turns SIGTERM and SIGINT into a cancellation, so the process disposes the mock cluster and exits 0
/// instead of being torn down by the runtime's default handler.
/// </summary>
public sealed class ShutdownSignal : IDisposable
{
    private readonly CancellationTokenSource requested = new();
    private readonly PosixSignalRegistration[] registrations;

    public ShutdownSignal()
    {
        registrations = [Register(PosixSignal.SIGTERM), Register(PosixSignal.SIGINT)];
    }

    public PosixSignal? Received { get; private set; }

    public CancellationToken Token => requested.Token;

    private PosixSignalRegistration Register(PosixSignal signal) => PosixSignalRegistration.Create(signal, context =>
    {
        context.Cancel = true;
        Received ??= context.Signal;
        requested.Cancel();
    });

    public void Dispose()
    {
        foreach (var registration in registrations) registration.Dispose();
        requested.Dispose();
    }
}
