using Microsoft.Extensions.Configuration;

namespace NginxPulse.Shipper.Configuration;

/// <summary>Binds and validates the options from the current configuration; used at start-up and on every reload.</summary>
public static class ShipperOptionsReader
{
    public static ShipperOptions Read(IConfiguration configuration, bool requireInputs = true)
    {
        var options = new ShipperOptions();
        var errors = new List<string>();
        try
        {
            configuration.Bind(options);
        }
        catch (InvalidOperationException e)
        {
            errors.Add(e.Message);
        }
        // The binder silently skips a list element it cannot convert; bind each input alone so a typo in one
        // is reported instead of the input disappearing.
        options.Inputs = [];
        foreach (var section in configuration.GetSection("Inputs").GetChildren())
        {
            try
            {
                options.Inputs.Add(section.Get<InputOptions>() ?? new InputOptions());
            }
            catch (InvalidOperationException e)
            {
                errors.Add(e.Message);
                options.Inputs.Add(new InputOptions { Name = section.Path, Paths = ["/"] });
            }
        }
        errors.AddRange(ShipperOptionsValidator.Validate(options, requireInputs));
        if (errors.Count > 0) throw new ShipperConfigurationException("invalid configuration: " + string.Join("; ", errors));
        return options;
    }
}
