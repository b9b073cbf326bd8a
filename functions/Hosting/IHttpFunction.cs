namespace NginxPulse.Functions.Hosting;

/// <summary>
/// An httpTrigger function: one entry method from a request to a response, whichever transport delivered it
/// (the Functions host, forwarded or enveloped, or the standalone Kestrel routes of function.json).
/// </summary>
/// <remarks>
/// Authorisation is the transport's job (function keys under the host, the NginxPulseApiKey setting standalone):
/// a function only sees requests that passed it. Bad parameters are the function's job: answer 400 with a
/// message naming the parameter (<see cref="HttpFunctionResponse.Error"/>). An exception that escapes
/// <see cref="HandleAsync"/> becomes a 500 with a generic message; its details go to the log only.
/// </remarks>
public interface IHttpFunction
{
    /// <summary>The function name: the folder that holds its function.json.</summary>
    string Name { get; }

    Task<HttpFunctionResponse> HandleAsync(HttpFunctionRequest request, CancellationToken ct);
}
