using System.Globalization;
using NginxPulse.Functions.Alerts.State;
using NginxPulse.Functions.Hosting;

namespace NginxPulse.Functions.AlertHistory;

/// <summary>GET alerts/history?rule=&amp;scope=&amp;from=&amp;to=&amp;limit=: state changes, newest first (default: the last 7 days, 100 entries).</summary>
public sealed class AlertHistoryFunction(AlertHistoryReader history, TimeProvider clock) : IHttpFunction
{
    private const int MaxLimit = 10_000;

    public string Name => "AlertHistory";

    public async Task<HttpFunctionResponse> HandleAsync(HttpFunctionRequest request, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (!TryTime(request, "to", now, out var to)) return HttpFunctionResponse.Error(400, "parameter 'to' must be an ISO-8601 time");
        if (!TryTime(request, "from", to.AddDays(-7), out var from)) return HttpFunctionResponse.Error(400, "parameter 'from' must be an ISO-8601 time");
        if (from >= to) return HttpFunctionResponse.Error(400, "parameter 'from' must be before 'to'");
        var limit = 100;
        if (request.QueryValue("limit") is { } text && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
            return HttpFunctionResponse.Error(400, $"parameter 'limit' must be a whole number within 1..{MaxLimit}");

        var entries = await history.ReadAsync(request.QueryValue("rule"), request.QueryValue("scope"), from, to, limit, ct);
        return HttpFunctionResponse.Json(new { history = entries });
    }

    private static bool TryTime(HttpFunctionRequest request, string name, DateTime fallback, out DateTime value)
    {
        value = fallback;
        if (request.QueryValue(name) is not { Length: > 0 } text) return true;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)) return false;
        value = parsed.UtcDateTime;
        return true;
    }
}
