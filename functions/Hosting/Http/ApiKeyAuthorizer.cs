using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace NginxPulse.Functions.Hosting.Http;

/// <summary>
/// Standalone stand-in for function keys: a request to a function with authLevel function or admin must carry the
/// NginxPulseApiKey value in the <c>x-functions-key</c> header or the <c>code</c> query parameter, as the host
/// expects its keys. Without the setting a random key is generated and logged once, so nothing is ever open by
/// accident; set the setting to keep one key across restarts and replicas.
/// </summary>
public sealed partial class ApiKeyAuthorizer
{
    public const string Setting = "NginxPulseApiKey";
    public const string HeaderName = "x-functions-key";

    private readonly byte[] _key;

    public ApiKeyAuthorizer(IConfiguration configuration, ILogger<ApiKeyAuthorizer> logger)
    {
        var configured = configuration[Setting];
        if (configured is { Length: > 0 })
        {
            if (configured.Length < 16)
                throw new FunctionAppConfigurationException($"setting '{Setting}' is {configured.Length} characters long; use at least 16 random characters");
            _key = Encoding.UTF8.GetBytes(configured);
            return;
        }
        var generated = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _key = Encoding.UTF8.GetBytes(generated);
        LogGeneratedKey(logger, Setting, generated);
    }

    public bool IsAuthorized(HttpRequest request)
    {
        var presented = request.Headers[HeaderName].ToString();
        if (presented.Length == 0) presented = request.Query[AspNetRequestReader.KeyParameter].ToString();
        return presented.Length > 0 && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), _key);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Setting '{Setting}' is not set: HTTP functions that need a key accept the generated key {Key} until this process stops")]
    private static partial void LogGeneratedKey(ILogger logger, string setting, string key);
}
