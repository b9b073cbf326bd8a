using MySql.Data.MySqlClient;
using NginxPulse.Functions.Storage;
using Xunit;

namespace NginxPulse.Tests.Storage;

public sealed class MySqlConnectionFactoryTests
{
    [Fact]
    public async Task Commands_get_a_batch_sized_timeout_unless_the_connection_string_sets_one()
    {
        var server = await MariaDbServer.ConnectionStringAsync();

        await using (var connection = await TestDatabase.Factory(server).OpenAsync(CancellationToken.None))
        await using (var command = new MySqlCommand("SELECT 1", connection))
            Assert.Equal((int)MySqlConnectionFactory.DefaultCommandTimeoutSeconds, command.CommandTimeout);

        await using (var connection = await TestDatabase.Factory(server + ";Default Command Timeout=42").OpenAsync(CancellationToken.None))
        await using (var command = new MySqlCommand("SELECT 1", connection))
            Assert.Equal(42, command.CommandTimeout);
    }
}
