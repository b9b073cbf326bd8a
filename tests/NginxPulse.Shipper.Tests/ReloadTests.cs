using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using NginxPulse.Shipper.Tests.Support;
using Xunit;

namespace NginxPulse.Shipper.Tests;

/// <summary>The configuration file changes under a running agent: inputs come and go without loss or repeats.</summary>
public sealed class ReloadTests : ShipperTest
{
    [Fact]
    public async Task Inputs_added_changed_and_removed_by_a_reload_apply_without_loss_or_resend()
    {
        var a = Setup.Log("access.log");
        var b = Setup.Log("other.log");
        LogLines.Append(a, 1, 100);
        LogLines.Append(b, 101, 150);
        await using var shipper = await InProcessShipper.StartAsync(Setup);
        await Broker.ReadUntilAsync(e => e.Count >= 100, Deadline, "input A");

        // Add input B, and change A's tags (A keeps its file offsets: nothing is sent again).
        Setup.FirstInput["Tags"] = new JsonArray("changed");
        Setup.Inputs.Add(ShipperSetup.Input("other", b));
        Setup.WriteConfig();
        await Broker.ReadUntilAsync(e => e.Any(x => x.Seq == 150), Deadline, "input B after the reload");
        LogLines.Append(a, 151, 200);
        var events = await Broker.AssertExactlyOnceAsync(200);
        Assert.All(events.Where(e => e.Seq > 150), e => Assert.Equal(["changed"], e.Tags));

        // Remove B: its later lines are not read; A goes on.
        Setup.Inputs.RemoveAt(1);
        Setup.WriteConfig();
        await Eventually.TrueAsync(() => shipper.Shipper.Inputs.Count == 1 && shipper.Shipper.OpenTails.Count() == 1, Deadline, "input B to be removed");
        LogLines.Append(b, 1000, 1010);
        LogLines.Append(a, 201, 250);
        events = await Broker.AssertExactlyOnceAsync(250);
        Assert.DoesNotContain(events, e => e.Seq >= 1000);
    }

    [Fact]
    public async Task An_invalid_new_configuration_is_rejected_with_its_reason_and_the_running_one_stays()
    {
        var a = AccessLog;
        await using var shipper = await StartShippingAsync(10);

        Setup.FirstInput["Paths"] = new JsonArray("relative/*.log");
        Setup.WriteConfig();
        await Eventually.TrueAsync(() => shipper.Log.Has(LogLevel.Error, "Inputs:0:Paths 'relative/*.log' must be an absolute path"), Deadline, "the rejection");

        await File.WriteAllTextAsync(Setup.ConfigPath, "{ \"Inputs\": [ ");
        await Eventually.TrueAsync(() => shipper.Log.Entries.Count(e => e.Level == LogLevel.Error && e.Message.StartsWith("Configuration change rejected", StringComparison.Ordinal)) >= 2,
            Deadline, "the rejection of broken JSON");

        LogLines.Append(a, 11, 20);
        await Broker.AssertExactlyOnceAsync(20);
    }

    [Fact]
    public async Task A_change_outside_inputs_is_logged_as_taking_effect_at_the_next_restart_and_an_inputs_change_is_not()
    {
        const string restartNeeded = "Configuration change outside Inputs";
        var a = AccessLog;
        await using var shipper = await StartShippingAsync(10);

        Setup.FirstInput["Tags"] = new JsonArray("edge");
        Setup.WriteConfig();
        await Eventually.TrueAsync(() => shipper.Log.Has(LogLevel.Information, "Configuration reloaded"), Deadline, "the inputs change to be applied");
        Assert.False(shipper.Log.Has(LogLevel.Warning, restartNeeded));

        Setup.Config["Kafka"]!["Properties"]!["linger.ms"] = "7";
        Setup.WriteConfig();
        await Eventually.TrueAsync(() => shipper.Log.Has(LogLevel.Warning, restartNeeded), Deadline, "the restart warning");

        LogLines.Append(a, 11, 20);
        await Broker.AssertExactlyOnceAsync(20);
    }
}
