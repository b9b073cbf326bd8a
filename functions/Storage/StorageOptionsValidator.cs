using Microsoft.Extensions.Options;
using MySql.Data.MySqlClient;

namespace NginxPulse.Functions.Storage;

/// <summary>Fails start-up with a message naming the <c>MySqlConnection</c> setting, so a bad deployment is obvious.</summary>
public sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var setting = StorageOptions.ConnectionSettingName;
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
            return ValidateOptionsResult.Fail($"The setting '{setting}' is missing or empty: set it to a MySQL/MariaDB connection string.");

        MySqlConnectionStringBuilder builder;
        try
        {
            builder = new MySqlConnectionStringBuilder(options.ConnectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException)
        {
            // The exception text may echo the password; name the setting and the parser's complaint only.
            return ValidateOptionsResult.Fail($"The setting '{setting}' is not a valid MySQL connection string: {e.GetType().Name}: {FirstLine(e.Message)}");
        }

        if (string.IsNullOrWhiteSpace(builder.Server))
            return ValidateOptionsResult.Fail($"The setting '{setting}' has no Server.");
        if (string.IsNullOrWhiteSpace(builder.Database))
            return ValidateOptionsResult.Fail($"The setting '{setting}' has no Database.");
        if (options.MaxTransientRetries < 0)
            return ValidateOptionsResult.Fail("MaxTransientRetries must not be negative.");
        return ValidateOptionsResult.Success;
    }

    private static string FirstLine(string s) => s.Split('\n', 2)[0].Trim();
}
