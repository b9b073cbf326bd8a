namespace NginxPulse.Functions.Kafka;

/// <summary>
/// Depth-1 pipelining of Kafka batches: one prepared batch runs on the thread pool while its caller goes on to collect
/// and prepare the next one. On the thread pool because MySql.Data's async methods complete synchronously: awaited by
/// the caller, they would hold it for the whole store.
/// </summary>
public sealed class InFlightBatch
{
    private InFlightBatch(Task completion) => Completion = completion;

    /// <summary>Completes when the batch has run; faults with the exception it failed with.</summary>
    public Task Completion { get; }

    public bool IsCompleted => Completion.IsCompleted;

    public static InFlightBatch Start(Func<CancellationToken, Task> run, CancellationToken ct) => new(Task.Run(() => run(ct), ct));

    /// <summary>Blocks until the batch has run (for the consumer thread); returns the exception it failed with, or null.</summary>
    public Exception? Wait()
    {
        try
        {
            Completion.GetAwaiter().GetResult();
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }
}
