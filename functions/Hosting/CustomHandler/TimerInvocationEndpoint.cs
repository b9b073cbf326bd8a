using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using NginxPulse.Functions.Hosting.Manifest;

namespace NginxPulse.Functions.Hosting.CustomHandler;

/// <summary>
/// A timerTrigger invocation (contract 3.3). 200 when the run is over; 500 when the function failed, so the host
/// records a failed run (and applies a retry policy if function.json has one); 400 for an undecodable body.
/// </summary>
public sealed partial class TimerInvocationEndpoint(TimerFunctionInvoker invoker, TimeProvider clock, ILogger<TimerInvocationEndpoint> logger)
{
    public async Task<IResult> HandleAsync(FunctionDefinition function, FunctionRegistration registration, JsonDocument? body, CancellationToken ct)
    {
        using (body)
        {
            TimerTick tick;
            try
            {
                if (body is null) throw new MalformedEnvelopeException("the body is not JSON");
                tick = TimerEnvelopeDecoder.Decode(body.RootElement, function.Trigger.Name, clock.GetUtcNow());
            }
            catch (MalformedEnvelopeException ex)
            {
                LogMalformed(function.Name, ex.Message);
                return InvocationReply.Create(StatusCodes.Status400BadRequest, $"{function.Name}: invocation body cannot be decoded: {ex.Message}");
            }
            try
            {
                var elapsed = await invoker.InvokeAsync(registration, tick, ct);
                return InvocationReply.Create(StatusCodes.Status200OK, $"{function.Name} ran in {(long)elapsed.TotalMilliseconds} ms");
            }
            catch (Exception ex) when (!(ex is OperationCanceledException && ct.IsCancellationRequested))
            {
                LogFailed(ex, function.Name);
                return InvocationReply.Create(StatusCodes.Status500InternalServerError, $"{function.Name} failed: {ex.GetType().Name}: {ex.Message}");
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Timer invocation body for {Function} cannot be decoded: {Problem}")]
    private partial void LogMalformed(string function, string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "Timer function {Function} failed; answering 500")]
    private partial void LogFailed(Exception ex, string function);
}
