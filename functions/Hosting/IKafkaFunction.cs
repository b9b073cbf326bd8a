using NginxPulse.Functions.Kafka;

namespace NginxPulse.Functions.Hosting;

/// <summary>
/// A kafkaTrigger function (cardinality "many"): one entry method taking the batch, whichever transport
/// delivered it (the Functions host over HTTP, or the standalone consumer).
/// </summary>
/// <remarks>
/// Failure contract: the function handles bad <em>data</em> itself (a line that cannot be parsed goes to the
/// dead-letter table). Any exception that escapes <see cref="RunAsync"/> therefore means the batch was not
/// durably handled (database down, timeout, bug), and both transports retry the whole batch: the custom
/// handler answers 500 so the host re-delivers it (commitOnFailure false), the standalone consumer keeps
/// the offsets uncommitted and retries with backoff. No offset is ever committed past a failed batch, so
/// the function must be idempotent: a batch may arrive again after a crash or a rebalance.
/// An <see cref="OperationCanceledException"/> while <c>ct</c> is cancelled is a shutdown, not a failure.
/// </remarks>
public interface IKafkaFunction
{
    /// <summary>The function name: the folder that holds its function.json.</summary>
    string Name { get; }

    Task RunAsync(KafkaBatch batch, CancellationToken ct);
}

/// <summary>
/// A kafkaTrigger function whose work on a batch splits in two: a preparation that changes nothing outside the process
/// (decoding, parsing, files of its own) and the run that stores the prepared batch. The standalone trigger prepares
/// batch N+1 while batch N runs; <see cref="IKafkaFunction.RunAsync"/> must still do both, for the other transport.
/// </summary>
public interface IPreparingKafkaFunction : IKafkaFunction
{
    Task<IPreparedKafkaBatch> PrepareAsync(KafkaBatch batch, CancellationToken ct);
}

/// <summary>
/// A batch made ready by <see cref="IPreparingKafkaFunction.PrepareAsync"/>. It may be run again after a failed run (the
/// function is idempotent), and is disposed exactly once, whether it ran, failed or was dropped (a rebalance, a failure of
/// the batch before it, a shutdown).
/// </summary>
public interface IPreparedKafkaBatch : IAsyncDisposable
{
    Task RunAsync(CancellationToken ct);
}
