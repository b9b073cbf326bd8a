using System.Net;
using System.Net.Sockets;

namespace NginxPulse.Functions.Cleaning;

/// <summary>An address range in CIDR notation ("10.0.0.0/8", "::1/128", or a bare address).</summary>
public sealed class IpNetwork
{
    private readonly byte[] prefix;
    private readonly int bits;
    private readonly AddressFamily family;

    private IpNetwork(IPAddress network, int bits)
    {
        prefix = network.GetAddressBytes();
        this.bits = bits;
        family = network.AddressFamily;
    }

    public static IpNetwork Parse(string cidr)
    {
        var text = cidr.Trim();
        var slash = text.IndexOf('/');
        var addressText = slash < 0 ? text : text[..slash];
        if (!IPAddress.TryParse(addressText, out var address)) throw new FormatException($"'{cidr}' is not an IP address or CIDR range");
        var max = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var bits = max;
        if (slash >= 0 && (!int.TryParse(text[(slash + 1)..], out bits) || bits < 0 || bits > max))
            throw new FormatException($"'{cidr}' has an invalid prefix length (0..{max})");
        return new IpNetwork(address, bits);
    }

    public bool Contains(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6 && family == AddressFamily.InterNetwork) address = address.MapToIPv4();
        if (address.AddressFamily != family) return false;
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out var n) || n != prefix.Length) return false;
        var full = bits / 8;
        if (!bytes[..full].SequenceEqual(prefix.AsSpan(0, full))) return false;
        var rest = bits % 8;
        if (rest == 0) return true;
        var mask = (byte)(0xFF << (8 - rest));
        return (bytes[full] & mask) == (prefix[full] & mask);
    }
}
