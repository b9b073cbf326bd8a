using System.Globalization;

namespace NginxPulse.Functions.Reports.Slices;

/// <summary>
/// One day's client set of a scope: the whole site's (day_site_clients, scope <see cref="SliceScope.Site"/>) or one
/// scope's rows of day_clients (the vhost and host it keeps apart, '' where it sums over them).
/// </summary>
public readonly record struct DaySet(int Scope, string Vhost, string Host, DateTime Day)
{
    public bool IsSite => Scope == SliceScope.Site.Id;
}

/// <summary>
/// Which folds a day's sets hold: how many fold records its hours and 5 minutes have (day_site_clients_hour,
/// day_site_clients_five) and their requests summed. <see cref="DayClientsFolder"/> changes the day sets only together
/// with a record, in one transaction, and a fold always records other requests than before (they only grow), so every
/// fold changes this version: sets read for one version hold the same clients at any later time it is found again.
/// </summary>
public readonly record struct DaySetVersion(long Folds, long Requests)
{
    /// <summary>Two columns, folds and requests, for the day <paramref name="day"/> (a DATE expression) names.</summary>
    public static string Sql(string day)
    {
        string Over(string aggregate) => string.Format(CultureInfo.InvariantCulture,
            "(SELECT {0} FROM day_site_clients_hour WHERE hour_utc >= {1} AND hour_utc < {1} + INTERVAL 1 DAY) + (SELECT {0} FROM day_site_clients_five WHERE five_utc >= {1} AND five_utc < {1} + INTERVAL 1 DAY)",
            aggregate, day);
        return $"{Over("COUNT(*)")} AS folds, {Over("COALESCE(SUM(requests), 0)")} AS fold_requests";
    }
}
