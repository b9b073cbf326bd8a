using Microsoft.Extensions.Options;
using NginxPulse.Functions.Cleaning;
using NginxPulse.Functions.Events;
using NginxPulse.Functions.Hosting;
using NginxPulse.Functions.Parsing;

namespace NginxPulse.Functions.IngestAccessLogs;

public static class IngestServiceCollectionExtensions
{
    /// <summary>The ingest function and its parse/clean pipeline; the "Parsing" settings are validated at start-up.</summary>
    public static IServiceCollection AddIngestAccessLogs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ParsingOptions>().Bind(configuration.GetSection(ParsingOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ParsingOptions>, ParsingOptionsValidator>();
        services.AddSingleton(sp => new FormatSelector(sp.GetRequiredService<IOptions<ParsingOptions>>().Value));
        services.AddSingleton(sp => new ClientIpResolver(ParsingOptionsValidator.TrustedProxies(sp.GetRequiredService<IOptions<ParsingOptions>>().Value)));
        services.AddSingleton<RecordCleaner>();
        services.AddSingleton<EventDecoder>();
        services.AddSingleton<AccessLogPipeline>();
        services.AddKafkaFunction<IngestAccessLogsFunction>("IngestAccessLogs");
        return services;
    }
}

/// <summary>Compiles every configured log_format and proxy range once, so a typo stops start-up naming the setting.</summary>
public sealed class ParsingOptionsValidator : IValidateOptions<ParsingOptions>
{
    public ValidateOptionsResult Validate(string? name, ParsingOptions options)
    {
        try
        {
            _ = new FormatSelector(options);
            _ = TrustedProxies(options);
            return ValidateOptionsResult.Success;
        }
        catch (FormatException e) { return ValidateOptionsResult.Fail(e.Message); }
    }

    public static IReadOnlyList<IpNetwork> TrustedProxies(ParsingOptions options)
    {
        var list = new List<IpNetwork>();
        foreach (var cidr in options.TrustedProxies.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (cidr.Equals("none", StringComparison.OrdinalIgnoreCase)) continue;
            try { list.Add(IpNetwork.Parse(cidr)); }
            catch (FormatException e) { throw new FormatException($"setting {ParsingOptions.Section}:TrustedProxies: {e.Message}", e); }
        }
        return list;
    }
}
