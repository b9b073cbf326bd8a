using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using NginxPulse.Functions.Hosting.Manifest;

namespace NginxPulse.Functions.Hosting.CustomHandler;

/// <summary>
/// <c>POST /{FunctionName}</c>: the Functions host invoking a function with the {Data, Metadata} envelope. Finds
/// the function and hands the request to the endpoint for its trigger; 404 for a function this app lacks.
/// </summary>
public sealed partial class InvocationDispatcher(
    FunctionManifest manifest,
    FunctionRegistry registry,
    KafkaInvocationEndpoint kafka,
    TimerInvocationEndpoint timer,
    HttpInvocationEndpoint http,
    ILogger<InvocationDispatcher> logger)
{
    public async Task<IResult> HandleAsync(string functionName, HttpRequest request, CancellationToken ct)
    {
        var invocationId = request.Headers["X-Azure-Functions-InvocationId"].ToString();
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["Function"] = functionName, ["InvocationId"] = invocationId });
        if (manifest.Find(functionName) is not { } function || !registry.TryGet(function.Name, out var registration))
        {
            LogUnknownFunction(functionName);
            return InvocationReply.Create(StatusCodes.Status404NotFound, $"no function named '{functionName}'");
        }
        return function.Trigger switch
        {
            KafkaTriggerBinding => await kafka.HandleAsync(function, registration, request, ct),
            TimerTriggerBinding => await timer.HandleAsync(function, registration, await ReadAsync(request, ct), ct),
            _ => await http.HandleAsync(function, registration, await ReadAsync(request, ct), ct),
        };
    }

    private static async Task<JsonDocument?> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        try
        {
            return await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Invocation for unknown function {Function}")]
    private partial void LogUnknownFunction(string function);
}
