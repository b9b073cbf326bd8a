using Microsoft.Extensions.Configuration;
using NginxPulse.Shipper.Configuration;
using Xunit;

namespace NginxPulse.Shipper.Tests;

public sealed class ConfigurationTests
{
    private static ShipperOptions Read(Dictionary<string, string?> settings, bool requireInputs = true) =>
        ShipperOptionsReader.Read(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), requireInputs);

    private static Dictionary<string, string?> Valid() => new()
    {
        ["Kafka:BootstrapServers"] = "127.0.0.1:9092",
        ["Inputs:0:Paths:0"] = "/var/log/nginx/access.log",
    };

    [Fact]
    public void A_minimal_configuration_gets_safe_defaults()
    {
        var o = Read(Valid());
        var input = Assert.Single(o.Inputs);
        Assert.Equal(("nginx-access", StartPosition.Beginning, "utf-8", 64 * 1024), (o.Kafka.Topic, input.StartAt, input.Encoding, input.MaxLineBytes));
        Assert.Equal("/var/log/nginx/access.log", input.DisplayName);
        Assert.Equal(Environment.MachineName, o.Host);
    }

    [Fact]
    public void Every_bad_setting_is_named_in_one_message()
    {
        var settings = Valid();
        settings["Kafka:Topic"] = "bad topic";
        settings["Inputs:0:StartAt"] = "End";
        settings["Inputs:0:Topic"] = "x/y";
        settings["Inputs:1:Name"] = "/var/log/nginx/access.log";
        settings["Metrics:Port"] = "70000";
        settings["Registry:FlushInterval"] = "00:00:00";
        var e = Assert.Throws<ShipperConfigurationException>(() => Read(settings));
        Assert.Contains("Kafka:Topic 'bad topic'", e.Message);
        Assert.Contains("Inputs:0:Topic 'x/y'", e.Message);
        Assert.Contains("Inputs:1:Name '/var/log/nginx/access.log' is used by another input", e.Message);
        Assert.Contains("Inputs:1:Paths needs at least one path glob", e.Message);
        Assert.Contains("Metrics:Port 70000", e.Message);
        Assert.Contains("Registry:FlushInterval must be positive", e.Message);
    }

    [Fact]
    public void A_value_of_the_wrong_type_names_its_setting()
    {
        var settings = Valid();
        settings["Inputs:0:MaxLineBytes"] = "lots";
        var e = Assert.Throws<ShipperConfigurationException>(() => Read(settings));
        Assert.Contains("Inputs:0:MaxLineBytes", e.Message);
    }

    [Fact]
    public void Backfill_needs_no_inputs_but_tailing_does()
    {
        var settings = new Dictionary<string, string?> { ["Kafka:BootstrapServers"] = "k:9092" };
        Assert.Empty(Read(settings, requireInputs: false).Inputs);
        Assert.Contains("at least one input", Assert.Throws<ShipperConfigurationException>(() => Read(settings)).Message);
    }

    [Fact]
    public void The_command_line_separates_agent_arguments_from_settings()
    {
        var line = ShipperCommandLine.Parse(["--config", "/etc/s.json", "--Kafka:Topic=t", "--exit-at-eof", "/a.log", "/b.log", "--Host=h"], _ => null);
        Assert.Equal("/etc/s.json", line.ConfigPath);
        Assert.Equal(["/a.log", "/b.log"], line.BackfillFiles!);
        Assert.Equal(["--Kafka:Topic=t", "--Host=h"], line.ConfigurationArgs);
        Assert.Equal("/from/env.json", ShipperCommandLine.Parse([], n => n == ShipperCommandLine.ConfigVariable ? "/from/env.json" : null).ConfigPath);
        Assert.Throws<ArgumentException>(() => ShipperCommandLine.Parse(["--exit-at-eof"], _ => null));
    }
}
