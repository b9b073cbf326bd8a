using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NginxPulse.Functions.Alerts;
using NginxPulse.Functions.BuildReportSlices;
using NginxPulse.Functions.Cli;
using NginxPulse.Functions.Dashboard;
using NginxPulse.Functions.Hosting;
using NginxPulse.Functions.Hosting.Standalone;
using NginxPulse.Functions.IngestAccessLogs;
using NginxPulse.Functions.MaintainStorage;
using NginxPulse.Functions.Reports;
using NginxPulse.Functions.Storage;

namespace NginxPulse.Functions;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "check-format")
        {
            using var cancel = new CancellationTokenSource();
            Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
            return await CheckFormatCommand.RunAsync(args[1..], Console.Out, cancel.Token);
        }

        if (args is ["default-settings"])
            return await DefaultSettingsCommand.RunAsync(AppContext.BaseDirectory, Console.Out, Console.Error);

        try
        {
            var builder = FunctionApp.CreateBuilder(args);
            builder.Services.AddSingleton(TimeProvider.System);
            builder.Services.AddNginxPulseStorage(builder.Configuration);
            builder.Services.AddIngestAccessLogs(builder.Configuration);
            builder.Services.AddAlerts(builder.Configuration);
            builder.Services.AddMaintainStorage(builder.Configuration);
            builder.Services.AddReports(builder.Configuration);
            builder.Services.AddBuildReportSlices(builder.Configuration);
            builder.Services.AddDashboard();
            await using var app = FunctionApp.Build(builder);
            // Resolved before running: RunAsync disposes the container when the host stops.
            var fatal = app.Services.GetService<FatalErrorMonitor>();
            await app.RunAsync();  // SIGTERM/Ctrl+C stop it through the host's console lifetime
            return fatal?.HasFailed == true ? 1 : 0;
        }
        catch (Exception ex) when (ex is FunctionAppConfigurationException or OptionsValidationException)
        {
            // stderr is what the Functions host logs at Error level; a non-zero code makes it report the failure.
            await Console.Error.WriteLineAsync($"NginxPulse.Functions cannot start: {ex.Message}");
            return 1;
        }
    }
}
