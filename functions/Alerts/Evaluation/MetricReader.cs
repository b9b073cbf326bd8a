using MySql.Data.MySqlClient;
using NginxPulse.Functions.Alerts.Rules;
using NginxPulse.Functions.Storage;

namespace NginxPulse.Functions.Alerts.Evaluation;

/// <summary>
/// Computes a rule's metric per scope (or per group) over a window: counts and ratios from rollup_minute,
/// percentiles from the rollup_histogram_minute histograms, client figures from the raw rows of the window.
/// </summary>
public sealed class MetricReader
{
    private readonly MySqlConnectionFactory _connections;

    public MetricReader(MySqlConnectionFactory connections) => _connections = connections;

    /// <summary>Values keyed by scope key; a grouped rule has one entry per vhost/host with data in the window.</summary>
    public async Task<IReadOnlyDictionary<string, MetricSample>> ReadAsync(AlertRule rule, MetricWindow window, CancellationToken ct)
    {
        await using var connection = await _connections.OpenAsync(ct);
        return rule.Metric switch
        {
            AlertMetric.LatencyP50 => await PercentileAsync(connection, rule, window, 0.50, ct),
            AlertMetric.LatencyP95 => await PercentileAsync(connection, rule, window, 0.95, ct),
            AlertMetric.LatencyP99 => await PercentileAsync(connection, rule, window, 0.99, ct),
            AlertMetric.UniqueClients => await UniqueClientsAsync(connection, rule, window, ct),
            AlertMetric.TopClientShare => await TopClientShareAsync(connection, rule, window, ct),
            AlertMetric.HostSilence => throw new ArgumentException("host_silence is computed from the watermark", nameof(rule)),
            _ => await RollupAsync(connection, rule, window, ct),
        };
    }

    /// <summary>The vhosts/hosts a grouped rule has seen in [since, end), as scope keys.</summary>
    public async Task<IReadOnlyList<string>> GroupsAsync(AlertRule rule, DateTime since, DateTime end, CancellationToken ct)
    {
        if (rule.GroupBy == AlertGrouping.None) return [rule.Scope.Key];
        await using var connection = await _connections.OpenAsync(ct);
        var filter = new ScopeFilter(rule, "minute_utc", new MetricWindow(since, end));
        await using var cmd = filter.Command($"SELECT DISTINCT {filter.GroupColumn} FROM rollup_minute WHERE {filter.Where}", connection);
        var groups = new List<string>();
        await RowStream.ReadAsync(cmd, reader => groups.Add(filter.KeyOf(reader.GetString(0))), ct);
        return groups;
    }

    /// <summary>The most frequent paths and clients behind a scope's value, for the notification.</summary>
    public async Task<TopContributors> TopAsync(AlertRule rule, AlertScope scope, MetricWindow window, int limit, CancellationToken ct)
    {
        if (limit == 0) return new TopContributors([], []);
        await using var connection = await _connections.OpenAsync(ct);
        var scoped = rule with { Scope = scope, GroupBy = AlertGrouping.None };
        var statusClass = AlertMetrics.StatusClass(rule.Metric);
        var status = statusClass is { } c ? $" AND status >= {c * 100} AND status < {c * 100 + 100}" : "";
        return new TopContributors(
            await TopListAsync(connection, scoped, window, "COALESCE(path, raw_request, '')", status, limit, ct),
            await TopListAsync(connection, scoped, window, "COALESCE(client_ip, remote_addr)", status, limit, ct));
    }

    private static async Task<IReadOnlyList<TopEntry>> TopListAsync(MySqlConnection connection, AlertRule rule, MetricWindow window, string column, string status, int limit, CancellationToken ct)
    {
        var filter = new ScopeFilter(rule, "time_utc", window);
        await using var cmd = filter.Command(
            $"SELECT {column} AS v, COUNT(*) AS n FROM access_log WHERE {filter.Where}{status} GROUP BY v ORDER BY n DESC, v LIMIT {limit}", connection);
        var list = new List<TopEntry>();
        await RowStream.ReadAsync(cmd, reader => list.Add(new TopEntry(reader.GetString(0), reader.GetInt64(1))), ct);
        return list;
    }

    private static async Task<IReadOnlyDictionary<string, MetricSample>> RollupAsync(MySqlConnection connection, AlertRule rule, MetricWindow window, CancellationToken ct)
    {
        var filter = new ScopeFilter(rule, "minute_utc", window);
        var counted = rule.Metric switch
        {
            AlertMetric.Requests => "SUM(requests)",
            AlertMetric.Bandwidth => "SUM(bytes)",
            _ => $"SUM(status_{AlertMetrics.StatusClass(rule.Metric)}xx)",
        };
        await using var cmd = filter.Command(
            $"SELECT {filter.GroupColumn}, COALESCE({counted}, 0), COALESCE(SUM(requests), 0) FROM rollup_minute WHERE {filter.Where} GROUP BY 1", connection);
        var values = new Dictionary<string, MetricSample>(StringComparer.Ordinal);
        await RowStream.ReadAsync(cmd, reader =>
        {
            var count = reader.GetDouble(1);
            var requests = reader.GetInt64(2);
            var value = AlertMetrics.IsRatio(rule.Metric) ? (requests == 0 ? (double?)null : count / requests) : count;
            values[filter.KeyOf(reader.GetString(0))] = new MetricSample(value, requests);
        }, ct);
        return values;
    }

    private static async Task<IReadOnlyDictionary<string, MetricSample>> PercentileAsync(MySqlConnection connection, AlertRule rule, MetricWindow window, double q, CancellationToken ct)
    {
        var filter = new ScopeFilter(rule, "minute_utc", window);
        await using var cmd = filter.Command(
            $"SELECT {filter.GroupColumn}, histogram FROM rollup_histogram_minute WHERE {filter.Where}", connection);
        var histograms = new Dictionary<string, LatencyCounts>(StringComparer.Ordinal);
        await RowStream.ReadAsync(cmd, reader => LatencyCounts.Of(histograms, filter.KeyOf(reader.GetString(0))).AddPacked((byte[])reader.GetValue(1)), ct);
        return histograms.ToDictionary(kv => kv.Key, kv => new MetricSample(kv.Value.Percentile(q), kv.Value.Total), StringComparer.Ordinal);
    }

    private static async Task<IReadOnlyDictionary<string, MetricSample>> UniqueClientsAsync(MySqlConnection connection, AlertRule rule, MetricWindow window, CancellationToken ct)
    {
        var filter = new ScopeFilter(rule, "time_utc", window);
        await using var cmd = filter.Command(
            $"SELECT {filter.GroupColumn}, COUNT(DISTINCT COALESCE(client_ip, remote_addr)), COUNT(*) FROM access_log WHERE {filter.Where} GROUP BY 1", connection);
        var values = new Dictionary<string, MetricSample>(StringComparer.Ordinal);
        await RowStream.ReadAsync(cmd, reader => values[filter.KeyOf(reader.GetString(0))] = new MetricSample(reader.GetInt64(1), reader.GetInt64(2)), ct);
        return values;
    }

    private static async Task<IReadOnlyDictionary<string, MetricSample>> TopClientShareAsync(MySqlConnection connection, AlertRule rule, MetricWindow window, CancellationToken ct)
    {
        var filter = new ScopeFilter(rule, "time_utc", window);
        await using var cmd = filter.Command($"""
            SELECT g, MAX(n), SUM(n) FROM (
              SELECT {filter.GroupColumn} AS g, COALESCE(client_ip, remote_addr) AS client, COUNT(*) AS n
              FROM access_log WHERE {filter.Where} GROUP BY g, client) per_client
            GROUP BY g
            """, connection);
        var values = new Dictionary<string, MetricSample>(StringComparer.Ordinal);
        await RowStream.ReadAsync(cmd, reader =>
        {
            var total = reader.GetInt64(2);
            values[filter.KeyOf(reader.GetString(0))] = new MetricSample((double)reader.GetInt64(1) / total, total);
        }, ct);
        return values;
    }

    /// <summary>The WHERE clause and grouping column of a rule's scope over a time column.</summary>
    private sealed class ScopeFilter
    {
        private readonly AlertRule _rule;
        private readonly MetricWindow _window;

        public ScopeFilter(AlertRule rule, string timeColumn, MetricWindow window)
        {
            _rule = rule;
            _window = window;
            Where = $"{timeColumn} >= @from AND {timeColumn} < @to"
                    + (rule.Scope.Vhost is not null ? " AND vhost = @vhost" : "")
                    + (rule.Scope.Host is not null ? " AND host = @host" : "");
            GroupColumn = rule.GroupBy switch { AlertGrouping.Vhost => "vhost", AlertGrouping.Host => "host", _ => "''" };
        }

        public string Where { get; }
        public string GroupColumn { get; }

        public string KeyOf(string group) => _rule.GroupBy switch
        {
            AlertGrouping.Vhost => new AlertScope(group, null).Key,
            AlertGrouping.Host => new AlertScope(null, group).Key,
            _ => _rule.Scope.Key,
        };

        public MySqlCommand Command(string sql, MySqlConnection connection)
        {
            var cmd = new MySqlCommand(sql, connection);
            cmd.Parameters.AddWithValue("@from", _window.Start);
            cmd.Parameters.AddWithValue("@to", _window.End);
            if (_rule.Scope.Vhost is { } vhost) cmd.Parameters.AddWithValue("@vhost", vhost);
            if (_rule.Scope.Host is { } host) cmd.Parameters.AddWithValue("@host", host);
            return cmd;
        }
    }
}

public sealed record TopEntry(string Value, long Count);

public sealed record TopContributors(IReadOnlyList<TopEntry> Paths, IReadOnlyList<TopEntry> Clients);
