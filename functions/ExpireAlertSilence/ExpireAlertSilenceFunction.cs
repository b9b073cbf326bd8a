using System.Globalization;
using NginxPulse.Functions.Alerts.State;
using NginxPulse.Functions.Hosting;

namespace NginxPulse.Functions.ExpireAlertSilence;

/// <summary>POST alerts/silences/{id}/expire: ends the silence now (200 with it), 404 when there is no such silence.</summary>
public sealed class ExpireAlertSilenceFunction(SilenceStore silences, TimeProvider clock) : IHttpFunction
{
    public string Name => "ExpireAlertSilence";

    public async Task<HttpFunctionResponse> HandleAsync(HttpFunctionRequest request, CancellationToken ct)
    {
        if (!long.TryParse(request.RouteValue("id"), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            return HttpFunctionResponse.Error(400, "parameter 'id' must be a silence id (a whole number)");
        var silence = await silences.ExpireAsync(id, clock.GetUtcNow().UtcDateTime, ct);
        return silence is null ? HttpFunctionResponse.Error(404, $"there is no silence {id}") : HttpFunctionResponse.Json(new { silence });
    }
}
