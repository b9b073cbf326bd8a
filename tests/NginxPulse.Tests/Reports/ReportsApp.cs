using Microsoft.Extensions.DependencyInjection;
using NginxPulse.Functions.Dashboard;
using NginxPulse.Functions.Reports;
using NginxPulse.Functions.Storage;
using NginxPulse.Tests.Hosting;
using NginxPulse.Tests.Storage;
using Xunit;

namespace NginxPulse.Tests.Reports;

/// <summary>
/// The real app, standalone on a loopback port, with the Reports and Dashboard functions (their real function.json),
/// an API key setting and a database holding <see cref="KnownTraffic"/>.
/// </summary>
public sealed class ReportsApp : IAsyncLifetime
{
    public const string ApiKey = "reports-test-key-7f3a";

    private readonly TestAppRoot _root = new();
    private RunningApp _app = null!;

    public TestDatabase Database { get; private set; } = null!;

    public Uri Address => _app.Address;

    public HttpClient Http => _app.Http;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        await KnownTraffic.StoreAsync(Database.NewStore());
        foreach (var function in new[] { ReportsFunction.FunctionName, DashboardFunction.FunctionName })
            _root.WithFunction(function, File.ReadAllText(Path.Combine(AppContext.BaseDirectory, function, "function.json")));
        var builder = RunningApp.CreateBuilder(_root.Path, customHandler: false, new Dictionary<string, string>
        {
            [StorageOptions.ConnectionSettingName] = Database.ConnectionString,
            ["NginxPulseApiKey"] = ApiKey,
        });
        builder.Services.AddNginxPulseStorage(builder.Configuration);
        builder.Services.AddReports(builder.Configuration);
        builder.Services.AddDashboard();
        _app = await RunningApp.StartAsync(builder);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await Database.DisposeAsync();
        _root.Dispose();
    }
}
