using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace NginxPulse.Functions.Hosting.CustomHandler;

/// <summary>
/// The custom-handler response envelope (contract 3.2). The host reads it as JSON whatever the status, so
/// every reply is a non-empty JSON object with a JSON content type: an empty or null body would hang the
/// invocation until functionTimeout, a text/plain one fails it.
/// </summary>
public sealed record InvocationReply(
    [property: JsonPropertyName("Outputs")] IReadOnlyDictionary<string, object?> Outputs,
    [property: JsonPropertyName("Logs")] IReadOnlyList<string> Logs,
    [property: JsonPropertyName("ReturnValue")] object? ReturnValue)
{
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.Never };
    private static readonly IReadOnlyDictionary<string, object?> NoOutputs = new Dictionary<string, object?>();

    public static IResult Create(int statusCode, params string[] logs) => Create(statusCode, NoOutputs, logs);

    public static IResult Create(int statusCode, IReadOnlyDictionary<string, object?> outputs, params string[] logs) =>
        Results.Json(new InvocationReply(outputs, logs, null), Json, "application/json; charset=utf-8", statusCode);
}
