namespace NginxPulse.Functions.Storage;

/// <summary>Storage settings. <see cref="ConnectionString"/> comes from the app setting named <c>MySqlConnection</c>.</summary>
public sealed class StorageOptions
{
    /// <summary>The app setting (local.settings.json Values / environment variable) holding the connection string.</summary>
    public const string ConnectionSettingName = "MySqlConnection";

    public string ConnectionString { get; set; } = "";

    /// <summary>How often a batch transaction is retried after a deadlock or lock wait timeout before giving up.</summary>
    public int MaxTransientRetries { get; set; } = 5;

    /// <summary>Base delay of the jittered exponential backoff between those retries.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(50);
}
