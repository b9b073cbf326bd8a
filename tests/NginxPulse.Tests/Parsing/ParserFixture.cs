using System.Text;
using NginxPulse.Functions.Parsing;

namespace NginxPulse.Tests.Parsing;

/// <summary>Parses single lines in tests and fails loudly with the parser's reason.</summary>
internal static class Parse
{
    public static AccessRecord Line(string line, params string[] formats)
    {
        var record = new AccessRecord();
        var list = (formats.Length == 0 ? ["combined"] : formats).Select(f => LogFormat.Parse(f)).ToList();
        if (!new AccessLogParser().TryParse(Encoding.UTF8.GetBytes(line), list, record, out var error, out _))
            throw new Xunit.Sdk.XunitException($"did not parse: {error}\n{line}");
        return record;
    }

    public static string Failure(string line, params string[] formats) => Failure(Encoding.UTF8.GetBytes(line), formats);

    public static string Failure(byte[] line, params string[] formats)
    {
        var list = (formats.Length == 0 ? ["combined"] : formats).Select(f => LogFormat.Parse(f)).ToList();
        if (new AccessLogParser().TryParse(line, list, new AccessRecord(), out var error, out _))
            throw new Xunit.Sdk.XunitException("parsed, but a failure was expected");
        return error!;
    }
}
