using System.Buffers;
using System.Text;
using System.Text.Unicode;
using Melm.Models.Diagnostics;

namespace Melm.Models.Data;

/// <summary>Strict UTF-8 decoding of a user's file: invalid bytes are bad input, never replaced.</summary>
internal static class Utf8Text
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// The text of <paramref name="bytes"/> without a leading byte-order mark, and whether it had one.
    /// Invalid bytes are an InputException naming the line, the column (in characters) and the byte offset of the first.
    /// </summary>
    public static (string Text, bool HasBom) Decode(byte[] bytes, string source)
    {
        var hasBom = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF;
        var start = hasBom ? 3 : 0;
        var invalid = FirstInvalidByte(bytes, start);
        if (invalid < 0)
            return (Strict.GetString(bytes, start, bytes.Length - start), hasBom);
        var lineStart = start + bytes.AsSpan(start, invalid - start).LastIndexOf((byte)'\n') + 1;
        var line = 1 + bytes.AsSpan(start, lineStart - start).Count((byte)'\n');
        var column = 1 + Strict.GetString(bytes, lineStart, invalid - lineStart).EnumerateRunes().Count();
        throw new InputException(source, line,
            $"not UTF-8 text: invalid byte 0x{bytes[invalid]:X2} at column {column} (byte offset {invalid}); convert the file to UTF-8");
    }

    /// <summary>The offset of the first byte from <paramref name="start"/> on that is not part of valid UTF-8, or -1.</summary>
    private static int FirstInvalidByte(byte[] bytes, int start)
    {
        var utf16 = ArrayPool<char>.Shared.Rent(Math.Max(1, bytes.Length - start));
        try
        {
            var status = Utf8.ToUtf16(bytes.AsSpan(start), utf16, out var read, out _, replaceInvalidSequences: false, isFinalBlock: true);
            return status == OperationStatus.Done ? -1 : start + read;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(utf16);
        }
    }
}
