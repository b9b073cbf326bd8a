using System.Net.Http.Headers;
using System.Net.Http.Json;
using NginxPulse.Functions.Hosting;

namespace NginxPulse.Functions.Alerts.Channels;

/// <summary>The HTTP channels' request: a camelCase JSON POST, accepted on any 2xx.</summary>
internal static class JsonPost
{
    public static async Task SendAsync(HttpClient client, Uri uri, object body, string? bearerToken, string what, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = JsonContent.Create(body, options: HttpFunctionResponse.JsonOptions) };
        if (bearerToken is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        using var response = await client.SendAsync(request, ct);
        if (response.IsSuccessStatusCode) return;
        // The status and the start of the body are what an operator needs to see in last_error.
        var text = await response.Content.ReadAsStringAsync(ct);
        throw new HttpRequestException($"{what} answered {(int)response.StatusCode} {response.ReasonPhrase}: {(text.Length > 500 ? text[..500] : text)}");
    }
}
