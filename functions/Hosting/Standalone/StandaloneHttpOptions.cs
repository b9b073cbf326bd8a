using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace NginxPulse.Functions.Hosting.Standalone;

/// <summary>Where the standalone app listens for HTTP (health now, httpTrigger routes later).</summary>
public sealed class StandaloneHttpOptions
{
    public const string UrlSetting = "NginxPulseHttpUrl";
    public const string DefaultUrl = "http://127.0.0.1:7071";

    public string Url { get; set; } = DefaultUrl;

    public static void Bind(IConfiguration configuration, StandaloneHttpOptions options)
    {
        if (configuration[UrlSetting] is { Length: > 0 } url) options.Url = url;
    }
}

public sealed class StandaloneHttpOptionsValidator : IValidateOptions<StandaloneHttpOptions>
{
    public ValidateOptionsResult Validate(string? name, StandaloneHttpOptions options)
    {
        try
        {
            var address = BindingAddress.Parse(options.Url);
            // TLS terminates in front of the app (ingress, reverse proxy); plain http only.
            var host = address.Host.Trim('[', ']');
            var knownHost = host is "*" or "+" || System.Net.IPAddress.TryParse(host, out _)
                || (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) && address.Port > 0);
            if (address.Scheme == "http" && !address.IsUnixPipe && knownHost && address.Port is >= 0 and <= 65535)
                return ValidateOptionsResult.Success;
        }
        catch (FormatException)
        {
        }
        return ValidateOptionsResult.Fail(
            $"setting '{StandaloneHttpOptions.UrlSetting}' must be an http URL with an IP address (or localhost, *) and a port, like {StandaloneHttpOptions.DefaultUrl}, not '{options.Url}'");
    }
}
