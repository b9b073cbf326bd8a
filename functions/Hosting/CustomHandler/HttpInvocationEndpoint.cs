using System.Text.Json;
using Microsoft.AspNetCore.Http;
using NginxPulse.Functions.Hosting.Http;
using NginxPulse.Functions.Hosting.Manifest;

namespace NginxPulse.Functions.Hosting.CustomHandler;

/// <summary>
/// An httpTrigger invocation with forwarding off (contract 3.1, 3.2): the request arrives in the envelope, the
/// function's response goes back as the http output binding object. The invocation itself succeeds (200) even
/// when the function answers 4xx/5xx — that status is the output's, and the host passes it to the caller.
/// </summary>
public sealed class HttpInvocationEndpoint(HttpFunctionInvoker invoker)
{
    public async Task<IResult> HandleAsync(FunctionDefinition function, FunctionRegistration registration, JsonDocument? body, CancellationToken ct)
    {
        using (body)
        {
            HttpFunctionRequest request;
            try
            {
                if (body is null) throw new MalformedEnvelopeException("the body is not JSON");
                request = HttpEnvelopeDecoder.Decode(body.RootElement, function.Trigger.Name);
            }
            catch (MalformedEnvelopeException ex)
            {
                return InvocationReply.Create(StatusCodes.Status400BadRequest, $"{function.Name}: invocation body cannot be decoded: {ex.Message}");
            }
            var response = await invoker.InvokeAsync(registration, request, ct);
            var headers = new Dictionary<string, string>(response.Headers ?? new Dictionary<string, string>(), StringComparer.OrdinalIgnoreCase)
            {
                ["Content-Type"] = response.ContentType,
            };
            var output = new Dictionary<string, object?>
            {
                [function.HttpOutput?.Name ?? "res"] = new Dictionary<string, object?>
                {
                    ["statusCode"] = response.StatusCode,
                    ["body"] = response.Body,
                    ["headers"] = headers,
                },
            };
            return InvocationReply.Create(StatusCodes.Status200OK, output);
        }
    }
}
