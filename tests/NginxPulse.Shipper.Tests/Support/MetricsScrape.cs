namespace NginxPulse.Shipper.Tests.Support;

/// <summary>Scrapes an agent's /metrics until a line shows up.</summary>
public static class MetricsScrape
{
    /// <summary>
    /// The scrape that shows <paramref name="line"/>. A refused connection counts as "not yet", so a failure names the
    /// last answer or refusal together with the agent's log (where a metrics endpoint that cannot listen says why).
    /// </summary>
    public static async Task<string> UntilAsync(int port, string line, TimeSpan deadline, Func<string> agentLog)
    {
        using var http = new HttpClient();
        var text = "";
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                text = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics");
            }
            catch (HttpRequestException e)
            {
                text = $"(no answer: {e.Message})";
                return false;
            }
            return text.Contains(line + "\n", StringComparison.Ordinal);
        }, deadline, () => $"'{line}' in the metrics on port {port}:\n{text}\n{agentLog()}");
        return text;
    }
}
