using System.Text.Json;

namespace NginxPulse.Functions.Hosting;

/// <summary>What an httpTrigger function answers; both transports write it out unchanged.</summary>
public sealed record HttpFunctionResponse(int StatusCode, string ContentType, string Body, IReadOnlyDictionary<string, string>? Headers = null)
{
    /// <summary>camelCase names, as JavaScript callers expect.</summary>
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    public static HttpFunctionResponse Json<T>(T value, int statusCode = 200) =>
        new(statusCode, "application/json; charset=utf-8", JsonSerializer.Serialize(value, JsonOptions));

    public static HttpFunctionResponse Text(string body, string contentType = "text/plain; charset=utf-8", int statusCode = 200) =>
        new(statusCode, contentType, body);

    /// <summary>An error for the caller: <c>{"error": message}</c>. Never put exception details or stack traces here.</summary>
    public static HttpFunctionResponse Error(int statusCode, string message) => Json(new { error = message }, statusCode);
}
