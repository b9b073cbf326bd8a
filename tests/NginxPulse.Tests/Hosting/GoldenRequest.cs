using System.Net.Http.Headers;
using System.Text;

namespace NginxPulse.Tests.Hosting;

/// <summary>A recorded HTTP request (Fixtures/custom-handler/*.http): request line, headers, blank line, body.</summary>
internal sealed record GoldenRequest(string Method, string Path, IReadOnlyList<(string Name, string Value)> Headers, string Body)
{
    public static GoldenRequest Load(string fileName)
    {
        var text = File.ReadAllText(System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", "custom-handler", fileName), Encoding.UTF8);
        var split = text.IndexOf("\n\n", StringComparison.Ordinal);
        var head = text[..split].Split('\n');
        var requestLine = head[0].Split(' ');
        var headers = head.Skip(1).Select(h => (h[..h.IndexOf(':')].Trim(), h[(h.IndexOf(':') + 1)..].Trim())).ToArray();
        return new GoldenRequest(requestLine[0], requestLine[1], headers, text[(split + 2)..].TrimEnd('\n'));
    }

    public HttpRequestMessage ToHttpRequest(string? path = null, string? body = null)
    {
        var request = new HttpRequestMessage(new HttpMethod(Method), path ?? Path);
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body ?? Body));
        foreach (var (name, value) in Headers)
        {
            if (string.Equals(name, "Content-Type", StringComparison.OrdinalIgnoreCase)) content.Headers.ContentType = MediaTypeHeaderValue.Parse(value);
            else request.Headers.TryAddWithoutValidation(name, value);
        }
        request.Content = content;
        return request;
    }
}
