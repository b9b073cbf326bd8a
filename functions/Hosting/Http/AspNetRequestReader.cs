using System.Text;
using Microsoft.AspNetCore.Http;

namespace NginxPulse.Functions.Hosting.Http;

/// <summary>An ASP.NET Core request (standalone, or forwarded by the Functions host) as an <see cref="HttpFunctionRequest"/>.</summary>
public static class AspNetRequestReader
{
    /// <summary>The query parameter that carries a function key; it is the transport's, never the function's.</summary>
    public const string KeyParameter = "code";

    // Report and alert requests are small; a bigger body is a mistake or an attack, not something to buffer.
    public const int MaxBodyBytes = 1024 * 1024;

    public static async Task<HttpFunctionRequest?> ReadAsync(HttpContext context, CancellationToken ct)
    {
        var http = context.Request;
        string? body = null;
        if (http.ContentLength > 0 || http.Headers.TransferEncoding.Count > 0)
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await http.Body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > MaxBodyBytes) return null;
                buffer.Write(chunk, 0, read);
            }
            body = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
        return new HttpFunctionRequest
        {
            Method = http.Method.ToUpperInvariant(),
            Path = http.Path.Value ?? "/",
            Query = http.Query.Where(q => !string.Equals(q.Key, KeyParameter, StringComparison.OrdinalIgnoreCase))
                .ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            RouteValues = http.RouteValues.Where(r => r.Value is not null)
                .ToDictionary(r => r.Key, r => Convert.ToString(r.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "", StringComparer.OrdinalIgnoreCase),
            Headers = http.Headers.ToDictionary(h => h.Key, h => string.Join(", ", h.Value.ToArray()), StringComparer.OrdinalIgnoreCase),
            Body = body,
        };
    }

    public static async Task WriteAsync(HttpContext context, HttpFunctionResponse response, CancellationToken ct)
    {
        context.Response.StatusCode = response.StatusCode;
        foreach (var (name, value) in response.Headers ?? new Dictionary<string, string>())
            context.Response.Headers[name] = value;
        context.Response.ContentType = response.ContentType;
        await context.Response.WriteAsync(response.Body, Encoding.UTF8, ct);
    }
}
