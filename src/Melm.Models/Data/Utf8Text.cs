using System.Text;
using Melm.Models.Diagnostics;

namespace Melm.Models.Data;

/// <summary>Strict UTF-8 decoding of a user's file: invalid bytes are bad input, never replaced.</summary>
internal static class Utf8Text
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The text of <paramref name="bytes"/> without a leading byte-order mark, and whether it had one.</summary>
    public static (string Text, bool HasBom) Decode(byte[] bytes, string source)
    {
        var hasBom = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF;
        try
        {
            return (Strict.GetString(bytes, hasBom ? 3 : 0, bytes.Length - (hasBom ? 3 : 0)), hasBom);
        }
        catch (DecoderFallbackException e)
        {
            throw new InputException(source, null, $"not UTF-8 text (invalid bytes at offset {e.Index}); convert the file to UTF-8");
        }
    }
}
