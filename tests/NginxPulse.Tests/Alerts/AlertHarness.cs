using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MySql.Data.MySqlClient;
using NginxPulse.Functions.Alerts;
using NginxPulse.Functions.Alerts.Evaluation;
using NginxPulse.Functions.Alerts.State;
using NginxPulse.Functions.Hosting;
using NginxPulse.Tests.Storage;
using NginxPulse.Tests.Support;

namespace NginxPulse.Tests.Alerts;

/// <summary>
/// The alerting as the app wires it (AddAlerts), over a fresh MariaDB database, a rules file in a temporary app
/// root, the local .eml channel writing into it, and a manual clock.
/// </summary>
internal sealed class AlertHarness : IAsyncDisposable
{
    public static readonly DateTime Start = new(2026, 11, 21, 12, 0, 0, DateTimeKind.Utc);

    private readonly bool _ownsDatabase;

    private AlertHarness(TestDatabase db, bool ownsDatabase, string root, ManualTimeProvider clock, ServiceProvider services)
    {
        _ownsDatabase = ownsDatabase;
        Db = db;
        Root = root;
        Clock = clock;
        Services = services;
        Traffic = new TrafficScript(db.NewStore());
    }

    public TestDatabase Db { get; }
    public string Root { get; }
    public ManualTimeProvider Clock { get; }
    public ServiceProvider Services { get; }
    public TrafficScript Traffic { get; }
    public string MailDirectory => Path.Combine(Root, "mail");

    public AlertEvaluator Evaluator => Services.GetRequiredService<AlertEvaluator>();

    public static async Task<AlertHarness> CreateAsync(string rulesJson, IDictionary<string, string?>? settings = null, TestDatabase? db = null)
    {
        var ownsDatabase = db is null;
        db ??= await TestDatabase.CreateAsync();
        await db.Partitions.EnsureDailyPartitionsAsync(DateOnly.FromDateTime(Start).AddDays(-8), DateOnly.FromDateTime(Start).AddDays(1), CancellationToken.None);
        var root = Path.Combine(Path.GetTempPath(), "nginxpulse-alerts-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        await File.WriteAllTextAsync(Path.Combine(root, "rules.json"), rulesJson);

        var values = new Dictionary<string, string?>
        {
            [AppRoot.Setting] = root,
            ["Alerts:RulesPath"] = "rules.json",
            ["Alerts:Local:Directory"] = "mail",
            ["Alerts:MaxIngestionLag"] = "00:05:00",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) values[key] = value;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();

        var clock = new ManualTimeProvider(Start);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(clock);
        services.AddSingleton(db.Connections);
        services.AddAlerts(configuration);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        _ = provider.GetRequiredService<IOptions<AlertsOptions>>().Value;
        return new AlertHarness(db, ownsDatabase, root, clock, provider);
    }

    /// <summary>Moves the clock to <paramref name="at"/> and runs one evaluation (with delivery).</summary>
    public Task<EvaluationOutcome> EvaluateAtAsync(DateTime at)
    {
        Clock.Set(new DateTimeOffset(at));
        return Evaluator.RunAsync(CancellationToken.None);
    }

    public IReadOnlyList<string> Mails() =>
        Directory.Exists(MailDirectory) ? Directory.GetFiles(MailDirectory, "*.eml").Select(f => Path.GetFileName(f)).Order().ToList() : [];

    public async Task<IReadOnlyList<OutboxRow>> OutboxAsync()
    {
        await using var connection = await Db.Connections.OpenAsync(CancellationToken.None);
        await using var cmd = new MySqlCommand("SELECT id, rule, scope, kind, channel, attempts, last_error, delivered_utc IS NOT NULL FROM alert_outbox ORDER BY id", connection);
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<OutboxRow>();
        while (await reader.ReadAsync())
            rows.Add(new OutboxRow(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetInt32(5), reader.IsDBNull(6) ? null : reader.GetString(6), reader.GetBoolean(7)));
        return rows;
    }

    public async Task<AlertState?> StateAsync(string rule, string scope) =>
        (await Services.GetRequiredService<AlertStateStore>().ListAsync(CancellationToken.None)).SingleOrDefault(s => s.Rule == rule && s.Scope == scope);

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        if (_ownsDatabase) await Db.DisposeAsync();
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
    }
}

internal sealed record OutboxRow(long Id, string Rule, string Scope, string Kind, string Channel, int Attempts, string? LastError, bool Delivered);
