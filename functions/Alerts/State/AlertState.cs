using NginxPulse.Functions.Alerts.Rules;

namespace NginxPulse.Functions.Alerts.State;

/// <summary>The stored state of one rule and scope.</summary>
/// <param name="SinceUtc">Data time (watermark) at which the current state began.</param>
/// <param name="IncidentNotified">The firing notification of the current incident went out (so resolve is announced too).</param>
/// <param name="EvaluatedUtc">The watermark of the last evaluation.</param>
/// <param name="Version">Incremented by every write; writes name the version they read.</param>
public sealed record AlertState(
    string Rule,
    string Scope,
    AlertStatus Status,
    DateTime SinceUtc,
    double? Value,
    string Threshold,
    AlertSeverity Severity,
    bool IncidentNotified,
    DateTime? LastNotifiedUtc,
    DateTime EvaluatedUtc,
    long Version);
