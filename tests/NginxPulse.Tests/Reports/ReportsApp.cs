using Microsoft.Extensions.DependencyInjection;
using NginxPulse.Functions.Dashboard;
using NginxPulse.Functions.Hosting;
using NginxPulse.Functions.Reports;
using NginxPulse.Functions.Storage;
using NginxPulse.Tests.Hosting;
using NginxPulse.Tests.Storage;
using Xunit;

namespace NginxPulse.Tests.Reports;

/// <summary>
/// The real app, standalone on a loopback port, with the Reports and Dashboard functions (their real function.json),
/// an API key setting, a database holding <see cref="KnownTraffic"/> and a stand-in for the alert states.
/// </summary>
public sealed class ReportsApp : IAsyncLifetime
{
    public const string ApiKey = "reports-test-key-7f3a";

    private readonly TestAppRoot _root = new();
    private RunningApp _app = null!;

    public TestDatabase Database { get; private set; } = null!;

    public Uri Address => _app.Address;

    public AlertStatesStub Alerts { get; } = new();

    public HttpClient Http => _app.Http;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        await KnownTraffic.StoreAsync(Database.NewStore());
        foreach (var function in new[] { ReportsFunction.FunctionName, DashboardFunction.FunctionName })
            _root.WithFunction(function, File.ReadAllText(Path.Combine(AppContext.BaseDirectory, function, "function.json")));
        _root.WithFunction(AlertStatesStub.FunctionName, AlertStatesStub.FunctionJson);
        var builder = RunningApp.CreateBuilder(_root.Path, customHandler: false, new Dictionary<string, string>
        {
            [StorageOptions.ConnectionSettingName] = Database.ConnectionString,
            ["NginxPulseApiKey"] = ApiKey,
        });
        builder.Services.AddNginxPulseStorage(builder.Configuration);
        builder.Services.AddReports(builder.Configuration);
        builder.Services.AddDashboard();
        builder.Services.AddSingleton(Alerts);
        builder.Services.AddHttpFunction<AlertStatesStub>(AlertStatesStub.FunctionName);
        _app = await RunningApp.StartAsync(builder);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await Database.DisposeAsync();
        _root.Dispose();
    }
}
