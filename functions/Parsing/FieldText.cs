using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace NginxPulse.Functions.Parsing;

/// <summary>
/// Turns a logged value into text: undoes nginx/Apache escaping (\xHH, \" and \\, or escape=json), keeps valid
/// UTF-8, and writes control characters and bytes that are not UTF-8 as \xHH so nothing is lost or garbled.
/// </summary>
public static class FieldText
{
    private static readonly SearchValues<byte> NeedsSlowPath = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Select(b => (byte)b), (byte)'\\', (byte)0x7F]);

    /// <summary>Null for nginx's "-" (empty variable) and for an empty value.</summary>
    public static string? Decode(ReadOnlySpan<byte> raw, EscapeMode mode, ref RecordFlags flags)
    {
        if (raw.IsEmpty) return null;
        if (raw.Length == 1 && raw[0] == (byte)'-' && mode != EscapeMode.Json) return null;
        if (raw.IndexOfAny(NeedsSlowPath) < 0 && Utf8.IsValid(raw)) return Encoding.UTF8.GetString(raw);
        return DecodeSlow(raw, mode, ref flags);
    }

    /// <summary>Already-unescaped bytes to text; the common clean case costs one scan and one allocation.</summary>
    public static string Text(ReadOnlySpan<byte> bytes, ref RecordFlags flags) =>
        bytes.IndexOfAnyInRange((byte)0, (byte)0x1F) < 0 && bytes.IndexOf((byte)0x7F) < 0 && Utf8.IsValid(bytes)
            ? Encoding.UTF8.GetString(bytes)
            : Render(bytes, ref flags);

    public static bool NeedsUnescape(ReadOnlySpan<byte> raw, EscapeMode mode) => mode != EscapeMode.None && raw.IndexOf((byte)'\\') >= 0;

    /// <summary>Unescapes into bytes (for the request line, which is split before it becomes text).</summary>
    public static int Unescape(ReadOnlySpan<byte> raw, EscapeMode mode, Span<byte> destination)
    {
        var n = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            var b = raw[i];
            if (b != (byte)'\\' || i + 1 >= raw.Length || mode == EscapeMode.None) { destination[n++] = b; continue; }
            var next = raw[i + 1];
            if (mode == EscapeMode.Json)
            {
                if (next == (byte)'u' && i + 5 < raw.Length && TryHex(raw.Slice(i + 2, 4), out var cp))
                {
                    // escape=json writes only \u00XX for control bytes; wider code points are encoded as UTF-8.
                    n += new Rune(char.IsSurrogate((char)cp) ? 0xFFFD : cp).EncodeToUtf8(destination[n..]);
                    i += 5;
                    continue;
                }
                var simple = next switch { (byte)'n' => (byte)'\n', (byte)'r' => (byte)'\r', (byte)'t' => (byte)'\t', (byte)'b' => (byte)'\b', (byte)'f' => (byte)'\f', (byte)'"' => (byte)'"', (byte)'\\' => (byte)'\\', (byte)'/' => (byte)'/', _ => (byte)0 };
                if (simple != 0) { destination[n++] = simple; i++; continue; }
                destination[n++] = b;
                continue;
            }
            if ((next == (byte)'x' || next == (byte)'X') && i + 3 < raw.Length && TryHex(raw.Slice(i + 2, 2), out var value))
            {
                destination[n++] = (byte)value;
                i += 3;
                continue;
            }
            if (next == (byte)'"' || next == (byte)'\\') { destination[n++] = next; i++; continue; }
            destination[n++] = b;
        }
        return n;
    }

    /// <summary>Bytes to text: valid UTF-8 kept, control characters and invalid bytes written as \xHH.</summary>
    public static string Render(ReadOnlySpan<byte> bytes, ref RecordFlags flags)
    {
        var sb = new StringBuilder(bytes.Length + 16);
        Span<char> chars = stackalloc char[2];
        while (!bytes.IsEmpty)
        {
            var status = Rune.DecodeFromUtf8(bytes, out var rune, out var consumed);
            if (status != OperationStatus.Done)
            {
                flags |= RecordFlags.InvalidUtf8;
                AppendHex(sb, bytes[0]);
                bytes = bytes[1..];
                continue;
            }
            if (rune.Value < 0x20 || rune.Value == 0x7F) AppendHex(sb, (byte)rune.Value);
            else sb.Append(chars[..rune.EncodeToUtf16(chars)]);
            bytes = bytes[consumed..];
        }
        return sb.ToString();
    }

    private static string DecodeSlow(ReadOnlySpan<byte> raw, EscapeMode mode, ref RecordFlags flags)
    {
        byte[]? rented = null;
        var buffer = raw.Length <= 1024 ? stackalloc byte[1024] : (rented = ArrayPool<byte>.Shared.Rent(raw.Length));
        try
        {
            var n = Unescape(raw, mode, buffer);
            return Render(buffer[..n], ref flags);
        }
        finally { if (rented is not null) ArrayPool<byte>.Shared.Return(rented); }
    }

    private static void AppendHex(StringBuilder sb, byte b) => sb.Append("\\x").Append(b.ToString("X2"));

    private static bool TryHex(ReadOnlySpan<byte> digits, out int value)
    {
        value = 0;
        foreach (var d in digits)
        {
            var v = d switch { >= (byte)'0' and <= (byte)'9' => d - '0', >= (byte)'a' and <= (byte)'f' => d - 'a' + 10, >= (byte)'A' and <= (byte)'F' => d - 'A' + 10, _ => -1 };
            if (v < 0) return false;
            value = value * 16 + v;
        }
        return true;
    }
}
