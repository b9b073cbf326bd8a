using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using NginxPulse.Functions.Hosting.Manifest;

namespace NginxPulse.Functions.Hosting.CustomHandler;

/// <summary>
/// <c>POST /{FunctionName}</c>: the Functions host invoking a kafkaTrigger function with a batch.
/// Status codes and why:
/// 200: the batch is handled; the host commits it.
/// 500: the function failed (e.g. the database is down); the host retries the same batch (commitOnFailure false).
/// 400: the body cannot be decoded. That is a host/handler contract mismatch (a host upgrade, a changed
///      dataType), not bad log data, and it hits every batch alike. Answering 200 would make the host commit
///      and so silently drop every batch until someone noticed; a non-2xx keeps the data in Kafka, shows up as
///      failed invocations and lag, and the batches are processed once the deployment is fixed.
/// </summary>
public sealed partial class KafkaInvocationEndpoint(
    KafkaFunctionInvoker invoker,
    ILogger<KafkaInvocationEndpoint> logger)
{
    private const int PayloadExcerptLength = 2000;

    public async Task<IResult> HandleAsync(FunctionDefinition function, FunctionRegistration registration, HttpRequest request, CancellationToken ct)
    {
        var trigger = (KafkaTriggerBinding)function.Trigger;
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, ct);
        Kafka.KafkaBatch batch;
        try
        {
            using var document = JsonDocument.Parse(body.GetBuffer().AsMemory(0, (int)body.Length));
            batch = KafkaEnvelopeDecoder.Decode(document.RootElement, trigger.Name, trigger.ConsumerGroup);
        }
        catch (Exception ex) when (ex is JsonException or MalformedEnvelopeException)
        {
            LogMalformed(ex, function.Name, body.Length, Excerpt(body));
            return InvocationReply.Create(StatusCodes.Status400BadRequest, $"{function.Name}: invocation body cannot be decoded: {ex.Message}");
        }

        try
        {
            var elapsed = await invoker.InvokeAsync(registration, batch, ct);
            var partitions = string.Join(",", batch.Messages.Select(m => m.Position.Partition).Distinct().Order());
            LogBatchHandled(function.Name, batch.Messages.Count, partitions, (long)elapsed.TotalMilliseconds);
            return InvocationReply.Create(StatusCodes.Status200OK,
                $"{function.Name}: {batch.Messages.Count} messages from partitions [{partitions}] in {(long)elapsed.TotalMilliseconds} ms");
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && ct.IsCancellationRequested))
        {
            LogFunctionFailed(ex, function.Name, batch.Messages.Count);
            return InvocationReply.Create(StatusCodes.Status500InternalServerError,
                $"{function.Name} failed; the batch will be retried: {ex.GetType().Name}: {ex.Message}");
        }
    }

    private static string Excerpt(MemoryStream body)
    {
        var length = (int)Math.Min(body.Length, PayloadExcerptLength);
        return Encoding.UTF8.GetString(body.GetBuffer(), 0, length);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Invocation body for {Function} cannot be decoded ({BodyBytes} bytes); answering 400 so the batch stays in Kafka. Excerpt: {Excerpt}")]
    private partial void LogMalformed(Exception ex, string function, long bodyBytes, string excerpt);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Function} handled {BatchSize} messages from partitions [{Partitions}] in {ElapsedMs} ms")]
    private partial void LogBatchHandled(string function, int batchSize, string partitions, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Function} failed on a batch of {BatchSize} messages; answering 500 so the host retries it")]
    private partial void LogFunctionFailed(Exception ex, string function, int batchSize);
}
