using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace NginxPulse.Functions.Hosting.CustomHandler;

/// <summary>The port the Functions host chose for this handler process (contract 2).</summary>
public sealed class CustomHandlerOptions
{
    public const string PortSetting = "FUNCTIONS_CUSTOMHANDLER_PORT";

    /// <summary>The setting as given, so a bad value can be quoted back.</summary>
    public string? RawPort { get; set; }

    /// <summary>0 lets the OS choose (tests); the host always passes a real port.</summary>
    public int Port { get; set; } = -1;

    public static bool IsRequested(IConfiguration configuration) => !string.IsNullOrEmpty(configuration[PortSetting]);

    public static void Bind(IConfiguration configuration, CustomHandlerOptions options)
    {
        options.RawPort = configuration[PortSetting];
        options.Port = int.TryParse(options.RawPort, NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : -1;
    }
}

public sealed class CustomHandlerOptionsValidator : IValidateOptions<CustomHandlerOptions>
{
    public ValidateOptionsResult Validate(string? name, CustomHandlerOptions options) =>
        options.Port is >= 0 and <= 65535
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"setting '{CustomHandlerOptions.PortSetting}' must be a TCP port (0-65535), not '{options.RawPort}'");
}
