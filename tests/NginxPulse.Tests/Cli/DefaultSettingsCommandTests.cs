using NginxPulse.Functions.Cli;
using NginxPulse.Tests.Hosting;
using Xunit;

namespace NginxPulse.Tests.Cli;

public sealed class DefaultSettingsCommandTests
{
    [Fact]
    public async Task Prints_the_defaults_the_environment_lacks_as_variables()
    {
        var set = "NpTestSet" + Guid.NewGuid().ToString("N")[..8];
        var unset = "NpTestUnset" + Guid.NewGuid().ToString("N")[..8];
        using var root = new TestAppRoot().WithFile("settings.defaults.json",
            $$"""{ "Values": { "{{set}}": "from-file", "{{unset}}": "0 */1 * * * *", "Section__Key": "nested" } }""");
        Environment.SetEnvironmentVariable(set, "from-environment");
        try
        {
            using var output = new StringWriter();
            Assert.Equal(0, await DefaultSettingsCommand.RunAsync(root.Path, output, TextWriter.Null));

            var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Contains($"{unset}=0 */1 * * * *", lines);
            Assert.Contains("Section__Key=nested", lines);
            Assert.DoesNotContain(lines, l => l.StartsWith(set, StringComparison.Ordinal));
        }
        finally
        {
            Environment.SetEnvironmentVariable(set, null);
        }
    }

    [Fact]
    public async Task A_broken_defaults_file_is_an_error_naming_it()
    {
        using var root = new TestAppRoot().WithFile("settings.defaults.json", "{ not json");
        using var errors = new StringWriter();

        Assert.Equal(1, await DefaultSettingsCommand.RunAsync(root.Path, TextWriter.Null, errors));
        Assert.Contains("settings.defaults.json is not valid JSON", errors.ToString());
    }
}
