using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace NginxPulse.Functions.Hosting.Http;

/// <summary>
/// Runs one request through a registered HTTP function in its own DI scope; shared by both transports. An
/// exception becomes a 500 whose body says nothing about it: the details go to the log, never to the caller.
/// </summary>
public sealed partial class HttpFunctionInvoker(IServiceScopeFactory scopes, ILogger<HttpFunctionInvoker> logger)
{
    public async Task<HttpFunctionResponse> InvokeAsync(FunctionRegistration function, HttpFunctionRequest request, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var instance = (IHttpFunction)scope.ServiceProvider.GetRequiredService(function.ImplementationType);
            var response = await instance.HandleAsync(request, ct);
            LogHandled(function.Name, request.Method, request.Path, response.StatusCode, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return response;
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && ct.IsCancellationRequested))
        {
            LogFailed(ex, function.Name, request.Method, request.Path);
            return HttpFunctionResponse.Error(StatusCodes.Status500InternalServerError, $"{function.Name} failed; the error is in the server log");
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Function} answered {Method} {Path} with {Status} in {ElapsedMs} ms")]
    private partial void LogHandled(string function, string method, string path, int status, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Function} failed on {Method} {Path}; answering 500")]
    private partial void LogFailed(Exception ex, string function, string method, string path);
}
