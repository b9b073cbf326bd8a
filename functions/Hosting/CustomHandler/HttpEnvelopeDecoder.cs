using System.Text.Json;

namespace NginxPulse.Functions.Hosting.CustomHandler;

/// <summary>
/// Data.&lt;binding&gt; of an httpTrigger invocation when the host does not forward the request (contract 3.1):
/// {Url, Method, Query, Headers (arrays), Params, Body}. The key parameter <c>code</c> is dropped, as standalone.
/// </summary>
public static class HttpEnvelopeDecoder
{
    public static HttpFunctionRequest Decode(JsonElement body, string bindingName)
    {
        var req = InvocationEnvelope.Input(body, bindingName);
        if (req.ValueKind != JsonValueKind.Object)
            throw new MalformedEnvelopeException($"Data.{bindingName} is {req.ValueKind}, expected an HTTP request object");
        var url = InvocationEnvelope.OptionalString(req, "Url") ?? "/";
        var query = InvocationEnvelope.StringMap(req, "Query");
        query.Remove(Http.AspNetRequestReader.KeyParameter);
        return new HttpFunctionRequest
        {
            Method = (InvocationEnvelope.OptionalString(req, "Method") ?? "GET").ToUpperInvariant(),
            Path = Uri.TryCreate(url, UriKind.Absolute, out var absolute) ? absolute.AbsolutePath : url.Split('?')[0],
            Query = query,
            RouteValues = InvocationEnvelope.StringMap(req, "Params"),
            Headers = InvocationEnvelope.StringMap(req, "Headers"),
            Body = InvocationEnvelope.OptionalString(req, "Body"),
        };
    }
}
