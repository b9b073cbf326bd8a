using System.Globalization;
using System.Text.Json;
using NginxPulse.Functions.Alerts.Rules;
using NginxPulse.Functions.Alerts.State;
using NginxPulse.Functions.Hosting;

namespace NginxPulse.Functions.CreateAlertSilence;

/// <summary>
/// POST alerts/silences with <c>{"rule": "name"|null, "scope": "vhost:x"|null, "duration": "2h" | "endsUtc": "ISO",
/// "startsUtc": "ISO"?, "comment": "...", "createdBy": "..."}</c>; 201 with the silence, 400 naming the bad field.
/// </summary>
public sealed class CreateAlertSilenceFunction(SilenceStore silences, AlertRuleBook rules, TimeProvider clock) : IHttpFunction
{
    private static readonly TimeSpan MaxDuration = TimeSpan.FromDays(90);

    public string Name => "CreateAlertSilence";

    public async Task<HttpFunctionResponse> HandleAsync(HttpFunctionRequest request, CancellationToken ct)
    {
        JsonElement body;
        try
        {
            using var document = JsonDocument.Parse(request.Body ?? "");
            body = document.RootElement.Clone();
        }
        catch (JsonException) { return Bad("body", "must be a JSON object"); }
        if (body.ValueKind != JsonValueKind.Object) return Bad("body", "must be a JSON object");

        var now = clock.GetUtcNow().UtcDateTime;
        if (!OptionalString(body, "rule", out var rule)) return Bad("rule", "must be a string or null");
        if (rule is not null && rules.Find(rule) is null) return Bad("rule", $"there is no rule named '{rule}'");
        if (!OptionalString(body, "scope", out var scope)) return Bad("scope", "must be a string or null");
        if (scope is not null && !AlertScope.TryParse(scope, out _)) return Bad("scope", "must be 'all', 'vhost:NAME' or 'host:NAME'");
        if (rule is null && scope is null) return Bad("rule", "give a rule, a scope or both (a silence of everything is not allowed)");
        if (!OptionalString(body, "comment", out var comment) || comment is null || comment.Trim().Length == 0 || comment.Length > 1000)
            return Bad("comment", "is required: say why (at most 1000 characters)");
        if (!OptionalString(body, "createdBy", out var createdBy) || createdBy is { Length: > 200 }) return Bad("createdBy", "must be a string of at most 200 characters");

        if (!OptionalString(body, "startsUtc", out var startsText)) return Bad("startsUtc", "must be an ISO-8601 time");
        var starts = now;
        if (startsText is not null)
        {
            if (!TryTime(startsText, out starts)) return Bad("startsUtc", "must be an ISO-8601 time");
        }

        if (!OptionalString(body, "duration", out var durationText)) return Bad("duration", "must be a duration such as '2h'");
        if (!OptionalString(body, "endsUtc", out var endsText)) return Bad("endsUtc", "must be an ISO-8601 time");
        DateTime ends;
        if (durationText is not null && endsText is not null) return Bad("duration", "give either 'duration' or 'endsUtc', not both");
        if (durationText is not null)
        {
            if (!DurationText.TryParse(durationText, out var duration) || duration <= TimeSpan.Zero) return Bad("duration", "must be a positive duration such as '90m', '2h', '1d'");
            ends = starts + duration;
        }
        else if (endsText is not null)
        {
            if (!TryTime(endsText, out ends)) return Bad("endsUtc", "must be an ISO-8601 time");
        }
        else return Bad("duration", "is required (or 'endsUtc')");
        if (ends <= starts || ends <= now) return Bad(durationText is not null ? "duration" : "endsUtc", "the silence must end in the future, after it starts");
        if (ends - starts > MaxDuration) return Bad(durationText is not null ? "duration" : "endsUtc", $"a silence lasts at most {MaxDuration.TotalDays:0} days");

        var silence = await silences.CreateAsync(rule, scope, starts, ends, comment.Trim(), createdBy ?? "api", now, ct);
        return HttpFunctionResponse.Json(new { silence }, 201);
    }

    private static HttpFunctionResponse Bad(string field, string message) => HttpFunctionResponse.Error(400, $"field '{field}': {message}");

    private static bool OptionalString(JsonElement body, string name, out string? value)
    {
        value = null;
        if (!body.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null) return true;
        if (element.ValueKind != JsonValueKind.String) return false;
        value = element.GetString();
        return true;
    }

    private static bool TryTime(string text, out DateTime value)
    {
        var ok = DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed);
        value = parsed.UtcDateTime;
        return ok;
    }
}
