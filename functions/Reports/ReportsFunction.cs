using Microsoft.Extensions.Logging;
using NginxPulse.Functions.Hosting;
using NginxPulse.Functions.Reports.Held;
using NginxPulse.Functions.Reports.Output;
using NginxPulse.Functions.Reports.Parameters;
using NginxPulse.Functions.Reports.Queries;

namespace NginxPulse.Functions.Reports;

/// <summary>
/// <c>GET /api/reports/{report}</c>: parses the parameters, runs the named report and writes it as JSON or CSV.
/// Unknown report → 404, bad parameter → 400 naming it; database failures escape to the transport (500, logged).
/// </summary>
public sealed class ReportsFunction(IEnumerable<IReport> reports, ReportParameterParser parser, AskedScopes asked, ILogger<ReportsFunction> logger) : IHttpFunction
{
    public const string FunctionName = "Reports";

    private readonly IReadOnlyDictionary<string, IReport> _reports = reports.ToDictionary(r => r.Name, StringComparer.Ordinal);

    public string Name => FunctionName;

    public async Task<HttpFunctionResponse> HandleAsync(HttpFunctionRequest request, CancellationToken ct)
    {
        var name = request.RouteValue("report") ?? "";
        if (!_reports.TryGetValue(name, out var report))
            return HttpFunctionResponse.Error(404, $"unknown report; known: {string.Join(", ", _reports.Keys.Order(StringComparer.Ordinal))}");

        ReportParameters parameters;
        try
        {
            parameters = parser.Parse(request.Query);
        }
        catch (ReportParameterException e)
        {
            logger.LogInformation("Report {Report} rejected parameter {Parameter}: {Reason}", name, e.Parameter, e.Message);
            return HttpFunctionResponse.Error(400, e.Message);
        }

        asked.Note(parameters.Vhost, parameters.Host);
        var table = await report.RunAsync(parameters, ct);
        var headers = new Dictionary<string, string> { ["Cache-Control"] = "no-store" };
        if (table.NextCursor is { } cursor) headers["X-Next-Cursor"] = cursor;
        if (parameters.Format == ReportFormat.Csv)
        {
            headers["Content-Disposition"] = $"attachment; filename=\"{name}.csv\"";
            return new HttpFunctionResponse(200, "text/csv; charset=utf-8", ReportCsv.Write(table), headers);
        }
        return new HttpFunctionResponse(200, "application/json; charset=utf-8", ReportJson.Write(name, parameters, table), headers);
    }
}
