using Microsoft.Extensions.Configuration;

namespace NginxPulse.Functions.Hosting.Configuration;

/// <summary>
/// App settings as the Functions host sees them: one flat name space made of environment variables,
/// local.settings.json Values and the command line, plus ConnectionStrings (the Kafka extension looks
/// there too). An empty value counts as not set.
/// </summary>
public sealed class AppSettings(IConfiguration configuration)
{
    public IConfiguration Configuration { get; } = configuration;

    public string? Find(string name)
    {
        var value = Configuration[name];
        if (string.IsNullOrEmpty(value)) value = Configuration["ConnectionStrings:" + name];
        return string.IsNullOrEmpty(value) ? null : value;
    }
}
