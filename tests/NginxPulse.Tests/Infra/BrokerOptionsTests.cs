using NginxPulse.KafkaMock;
using Xunit;

namespace NginxPulse.Tests.Infra;

public sealed class BrokerOptionsTests
{
    private static readonly Dictionary<string, string> NoEnvironment = [];

    private static BrokerOptions Parse(string[] args, Dictionary<string, string>? environment = null) =>
        BrokerOptions.Parse(args, name => (environment ?? NoEnvironment).GetValueOrDefault(name));

    [Fact]
    public void Defaults_to_three_brokers_and_the_nginx_access_topic_without_a_bootstrap_file()
    {
        var options = Parse([]);

        Assert.Equal(3, options.Brokers);
        Assert.Equal([new TopicSpec("nginx-access", 3)], options.Topics);
        Assert.Null(options.BootstrapFile);
    }

    [Fact]
    public void Reads_brokers_and_a_comma_list_of_topics_from_the_environment()
    {
        var options = Parse([], new() { ["NGINXPULSE_KAFKA_BROKERS"] = "2", ["NGINXPULSE_KAFKA_TOPICS"] = "a:3, b:1" });

        Assert.Equal(2, options.Brokers);
        Assert.Equal([new TopicSpec("a", 3), new TopicSpec("b", 1)], options.Topics);
    }

    [Fact]
    public void Command_line_options_override_the_environment()
    {
        var options = Parse(["--brokers", "1", "--topic", "t1:2", "--topic=t2:4", "--bootstrap-file", "/tmp/b"],
            new() { ["NGINXPULSE_KAFKA_BROKERS"] = "5", ["NGINXPULSE_KAFKA_TOPICS"] = "a:3" });

        Assert.Equal(1, options.Brokers);
        Assert.Equal([new TopicSpec("t1", 2), new TopicSpec("t2", 4)], options.Topics);
        Assert.Equal("/tmp/b", options.BootstrapFile);
    }

    [Theory]
    [InlineData("foo:x", "partition count 'x'")]
    [InlineData("foo:0", "partition count '0'")]
    [InlineData("foo", "NAME:PARTITIONS")]
    [InlineData("bad/name:1", "topic name 'bad/name'")]
    public void Rejects_a_malformed_topic_naming_the_problem(string topic, string expected)
    {
        var error = Assert.Throws<UsageException>(() => Parse(["--topic", topic]));
        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData(new[] { "--brokers", "0" }, "broker count '0'")]
    [InlineData(new[] { "--brokers" }, "--brokers needs a value")]
    [InlineData(new[] { "--topic", "a:1", "--topic", "a:2" }, "'a' is given more than once")]
    [InlineData(new[] { "--verbose" }, "unknown argument '--verbose'")]
    public void Rejects_bad_arguments_naming_the_problem(string[] args, string expected)
    {
        var error = Assert.Throws<UsageException>(() => Parse(args));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Names_the_variable_when_the_environment_holds_a_bad_value()
    {
        var error = Assert.Throws<UsageException>(() => Parse([], new() { ["NGINXPULSE_KAFKA_TOPICS"] = "a:1,b:zero" }));
        Assert.Contains("NGINXPULSE_KAFKA_TOPICS", error.Message);
    }
}
