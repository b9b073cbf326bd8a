using Microsoft.Extensions.Configuration;

namespace NginxPulse.Functions.Hosting.Timers;

/// <summary>
/// The time zone NCRONTAB schedules run in: the WEBSITE_TIME_ZONE app setting (a tz database name such as
/// Europe/Berlin, as on Linux App Service), else the process's local zone (TZ), which is UTC in containers.
/// </summary>
public static class TimerZone
{
    public const string Setting = "WEBSITE_TIME_ZONE";

    public static TimeZoneInfo Resolve(IConfiguration configuration)
    {
        if (configuration[Setting] is not { Length: > 0 } id) return TimeZoneInfo.Local;
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new FunctionAppConfigurationException($"setting '{Setting}' is '{id}', which is not a time zone this machine knows (use a tz database name like Europe/Berlin)");
        }
    }
}
