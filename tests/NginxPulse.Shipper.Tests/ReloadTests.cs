using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using NginxPulse.Shipper.Tests.Support;
using Xunit;

namespace NginxPulse.Shipper.Tests;

/// <summary>The configuration file changes under a running agent: inputs come and go without loss or repeats.</summary>
public sealed class ReloadTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly TestBroker broker = new();
    private readonly ShipperSetup setup;

    public ReloadTests() => setup = new ShipperSetup(broker);

    [Fact]
    public async Task Inputs_added_changed_and_removed_by_a_reload_apply_without_loss_or_resend()
    {
        var a = setup.Log("access.log");
        var b = setup.Log("other.log");
        LogLines.Append(a, 1, 100);
        LogLines.Append(b, 101, 150);
        await using var shipper = await InProcessShipper.StartAsync(setup);
        await broker.ReadUntilAsync(e => e.Count >= 100, Deadline, "input A");

        // Add input B, and change A's tags (A keeps its file offsets: nothing is sent again).
        setup.FirstInput["Tags"] = new JsonArray("changed");
        setup.Inputs.Add(ShipperSetup.Input("other", b));
        setup.WriteConfig();
        await broker.ReadUntilAsync(e => e.Any(x => x.Seq == 150), Deadline, "input B after the reload");
        LogLines.Append(a, 151, 200);
        var events = await broker.AssertExactlyOnceAsync(200);
        Assert.All(events.Where(e => e.Seq > 150), e => Assert.Equal(["changed"], e.Tags));

        // Remove B: its later lines are not read; A goes on.
        setup.Inputs.RemoveAt(1);
        setup.WriteConfig();
        await Eventually.TrueAsync(() => shipper.Shipper.Inputs.Count == 1 && shipper.Shipper.OpenTails.Count() == 1, Deadline, "input B to be removed");
        LogLines.Append(b, 1000, 1010);
        LogLines.Append(a, 201, 250);
        events = await broker.AssertExactlyOnceAsync(250);
        Assert.DoesNotContain(events, e => e.Seq >= 1000);
    }

    [Fact]
    public async Task An_invalid_new_configuration_is_rejected_with_its_reason_and_the_running_one_stays()
    {
        var a = setup.Log("access.log");
        LogLines.Append(a, 1, 10);
        await using var shipper = await InProcessShipper.StartAsync(setup);
        await broker.ReadUntilAsync(e => e.Count >= 10, Deadline, "the first lines");

        setup.FirstInput["Paths"] = new JsonArray("relative/*.log");
        setup.WriteConfig();
        await Eventually.TrueAsync(() => shipper.Log.Has(LogLevel.Error, "Inputs:0:Paths 'relative/*.log' must be an absolute path"), Deadline, "the rejection");

        await File.WriteAllTextAsync(setup.ConfigPath, "{ \"Inputs\": [ ");
        await Eventually.TrueAsync(() => shipper.Log.Entries.Count(e => e.Level == LogLevel.Error && e.Message.StartsWith("Configuration change rejected", StringComparison.Ordinal)) >= 2,
            Deadline, "the rejection of broken JSON");

        LogLines.Append(a, 11, 20);
        await broker.AssertExactlyOnceAsync(20);
    }

    public void Dispose()
    {
        setup.Dispose();
        broker.Dispose();
    }
}
