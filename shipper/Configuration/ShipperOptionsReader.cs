using Microsoft.Extensions.Configuration;

namespace NginxPulse.Shipper.Configuration;

/// <summary>Binds and validates the options from the current configuration; used at start-up and on every reload.</summary>
public static class ShipperOptionsReader
{
    public static ShipperOptions Read(IConfiguration configuration, bool requireInputs = true)
    {
        var options = new ShipperOptions();
        try
        {
            configuration.Bind(options, b => b.ErrorOnUnknownConfiguration = false);
        }
        catch (InvalidOperationException e)
        {
            throw new ShipperConfigurationException($"invalid configuration: {e.Message}");
        }
        var errors = ShipperOptionsValidator.Validate(options, requireInputs);
        if (errors.Count > 0) throw new ShipperConfigurationException("invalid configuration: " + string.Join("; ", errors));
        return options;
    }
}
