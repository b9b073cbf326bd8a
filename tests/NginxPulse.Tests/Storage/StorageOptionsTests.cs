using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NginxPulse.Functions.Storage;
using Xunit;

namespace NginxPulse.Tests.Storage;

public sealed class StorageOptionsTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("this is not a connection string")]
    [InlineData("Server=127.0.0.1;Frobnicate=yes;Database=x")]
    [InlineData("Server=127.0.0.1;Port=notaport;Database=x")]
    [InlineData("Server=127.0.0.1;User ID=u")]
    public void A_missing_or_invalid_MySqlConnection_setting_fails_naming_the_setting(string? value)
    {
        var settings = new Dictionary<string, string?>();
        if (value is not null) settings["MySqlConnection"] = value;
        using var services = Services(settings);

        var e = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<StorageOptions>>().Value);

        Assert.Contains("'MySqlConnection'", e.Message);
    }

    [Fact]
    public void A_valid_setting_binds_and_resolves_the_store()
    {
        using var services = Services(new() { ["MySqlConnection"] = "Server=127.0.0.1;Port=3306;Database=nginxpulse;User ID=u;Password=p;SslMode=Required" });

        Assert.Equal(3306u, new MySql.Data.MySqlClient.MySqlConnectionStringBuilder(services.GetRequiredService<IOptions<StorageOptions>>().Value.ConnectionString).Port);
        Assert.IsType<AccessLogStore>(services.GetRequiredService<IAccessLogStore>());
        Assert.Equal("nginxpulse", services.GetRequiredService<MySqlConnectionFactory>().DatabaseName);
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddNginxPulseStorage(configuration).BuildServiceProvider();
    }
}
