namespace NginxPulse.Functions.Reports.Slices;

/// <summary>One dimension's stored rows of a slice in one scope (the vhost and host it keeps apart, '' where it sums over them).</summary>
public readonly record struct SlicePart(int Dimension, SliceId Slice, int Scope, string Vhost, string Host);

/// <summary>
/// Which build of a slice a reader found valid: the rows it counted and when it was written. A build's rows never change
/// (a rebuild replaces them and records a new count or time), so rows read for one build answer for it at any later time.
/// </summary>
public readonly record struct SliceBuild(long Requests, DateTime BuiltUtc);
