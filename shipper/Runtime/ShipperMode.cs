namespace NginxPulse.Shipper.Runtime;

/// <summary>Tailing (the service) or backfill (ship the given files to their end, then exit).</summary>
public sealed record ShipperMode(IReadOnlyList<string>? BackfillFiles)
{
    public bool IsBackfill => BackfillFiles is not null;
}

/// <summary>The process exit code, decided by whichever part of the agent finishes or fails.</summary>
public sealed class ShipperExit
{
    public int Code { get; set; }
}
