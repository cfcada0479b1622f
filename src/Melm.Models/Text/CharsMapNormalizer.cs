using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Melm.Models.Text;

/// <summary>
/// SentencePiece's normaliser: the model's precompiled character map (a darts-clone double-array
/// trie over UTF-8 byte sequences plus a blob of NUL-terminated replacements), then the whitespace
/// rules of its NormalizerSpec. Follows sentencepiece's normalizer.cc step for step, on UTF-8 bytes
/// as the original does, so that longest-match rules and whitespace handling agree exactly.
/// </summary>
internal sealed class CharsMapNormalizer
{
    /// <summary>U+2581 '▁', which SentencePiece writes for a space.</summary>
    public const char SpaceSymbol = '\u2581';

    private static readonly byte[] SpaceSymbolUtf8 = Encoding.UTF8.GetBytes([SpaceSymbol]);

    private readonly uint[] _trie;
    private readonly byte[] _replacements;
    private readonly bool _addDummyPrefix;
    private readonly bool _removeExtraWhitespaces;
    private readonly bool _escapeWhitespaces;

    private CharsMapNormalizer(uint[] trie, byte[] replacements, bool addDummyPrefix, bool removeExtraWhitespaces, bool escapeWhitespaces)
    {
        _trie = trie;
        _replacements = replacements;
        _addDummyPrefix = addDummyPrefix;
        _removeExtraWhitespaces = removeExtraWhitespaces;
        _escapeWhitespaces = escapeWhitespaces;
    }

    /// <summary>
    /// Builds the normaliser from NormalizerSpec fields. An empty <paramref name="charsMap"/> means no
    /// character rules (the "identity" normaliser). Throws <see cref="FormatException"/> on a
    /// malformed map.
    /// </summary>
    public static CharsMapNormalizer Create(ReadOnlySpan<byte> charsMap, bool addDummyPrefix, bool removeExtraWhitespaces, bool escapeWhitespaces)
    {
        uint[] trie = [];
        byte[] replacements = [];
        if (!charsMap.IsEmpty)
        {
            // Layout: uint32 little-endian trie size in bytes, the trie's 32-bit units, the replacement blob.
            if (charsMap.Length < 4)
                throw new FormatException("precompiled_charsmap is shorter than its 4-byte header");
            var trieBytes = BinaryPrimitives.ReadUInt32LittleEndian(charsMap);
            if (trieBytes % 4 != 0 || trieBytes == 0 || trieBytes > (uint)(charsMap.Length - 4))
                throw new FormatException($"precompiled_charsmap declares a trie of {trieBytes} bytes in {charsMap.Length - 4}");
            trie = new uint[trieBytes / 4];
            for (var i = 0; i < trie.Length; i++)
                trie[i] = BinaryPrimitives.ReadUInt32LittleEndian(charsMap[(4 + (4 * i))..]);
            replacements = charsMap[(4 + (int)trieBytes)..].ToArray();
        }
        return new CharsMapNormalizer(trie, replacements, addDummyPrefix, removeExtraWhitespaces, escapeWhitespaces);
    }

    /// <summary>The normalised text the unigram model segments: '▁' for spaces, dummy prefix added.</summary>
    public string Normalize(string text)
    {
        ReadOnlySpan<byte> input = Encoding.UTF8.GetBytes(text);
        var output = new List<byte>(input.Length + 8);

        if (_removeExtraWhitespaces)
        {
            while (!input.IsEmpty)
            {
                var replacement = NormalizePrefix(input, out var consumed);
                if (!replacement.SequenceEqual(" "u8))
                    break;
                input = input[consumed..];
            }
        }
        if (input.IsEmpty)
            return "";

        if (_addDummyPrefix)
            AppendSpace(output);

        var previousIsSpace = _removeExtraWhitespaces;
        while (!input.IsEmpty)
        {
            var replacement = NormalizePrefix(input, out var consumed);
            if (previousIsSpace && _removeExtraWhitespaces)
            {
                while (!replacement.IsEmpty && replacement[0] == (byte)' ')
                    replacement = replacement[1..];
            }
            if (!replacement.IsEmpty)
            {
                foreach (var b in replacement)
                {
                    if (b == (byte)' ')
                        AppendSpace(output);
                    else
                        output.Add(b);
                }
                previousIsSpace = replacement[^1] == (byte)' ';
            }
            input = input[consumed..];
            if (!_removeExtraWhitespaces)
                previousIsSpace = false;
        }

        if (_removeExtraWhitespaces)
        {
            var space = _escapeWhitespaces ? SpaceSymbolUtf8 : " "u8.ToArray();
            while (output.Count >= space.Length && EndsWith(output, space))
                output.RemoveRange(output.Count - space.Length, space.Length);
        }
        return Encoding.UTF8.GetString(CollectionsMarshal.AsSpan(output));
    }

    private void AppendSpace(List<byte> output)
    {
        if (_escapeWhitespaces)
            output.AddRange(SpaceSymbolUtf8);
        else
            output.Add((byte)' ');
    }

    private static bool EndsWith(List<byte> output, byte[] suffix)
    {
        for (var i = 0; i < suffix.Length; i++)
        {
            if (output[output.Count - suffix.Length + i] != suffix[i])
                return false;
        }
        return true;
    }

    /// <summary>The longest rule matching the start of <paramref name="input"/>, or its first character unchanged.</summary>
    private ReadOnlySpan<byte> NormalizePrefix(ReadOnlySpan<byte> input, out int consumed)
    {
        var (length, value) = LongestPrefixMatch(input);
        if (length > 0)
        {
            consumed = length;
            return ReplacementAt(value);
        }
        consumed = Utf8CharLength(input);
        return input[..consumed];
    }

    private ReadOnlySpan<byte> ReplacementAt(int offset)
    {
        if (offset < 0 || offset >= _replacements.Length)
            throw new InvalidDataException($"precompiled_charsmap points at replacement {offset} outside its blob of {_replacements.Length} bytes");
        var rest = _replacements.AsSpan(offset);
        var end = rest.IndexOf((byte)0);
        return end < 0 ? rest : rest[..end];
    }

    /// <summary>
    /// darts-clone's commonPrefixSearch keeping the longest key: walks the double array byte by
    /// byte and remembers the last node that carries a leaf (a complete key).
    /// </summary>
    private (int Length, int Value) LongestPrefixMatch(ReadOnlySpan<byte> key)
    {
        if (_trie.Length == 0)
            return (0, 0);
        var longest = 0;
        var longestValue = 0;
        var nodePos = Offset(_trie[0]);
        for (var i = 0; i < key.Length; i++)
        {
            nodePos ^= key[i];
            if (nodePos >= (uint)_trie.Length)
                break;
            var unit = _trie[nodePos];
            if (Label(unit) != key[i])
                break;
            nodePos ^= Offset(unit);
            if (HasLeaf(unit))
            {
                if (nodePos >= (uint)_trie.Length)
                    break;
                longest = i + 1;
                longestValue = (int)(_trie[nodePos] & 0x7FFFFFFFu);
            }
        }
        return (longest, longestValue);
    }

    private static bool HasLeaf(uint unit) => ((unit >> 8) & 1) == 1;

    private static uint Label(uint unit) => unit & ((1u << 31) | 0xFF);

    private static uint Offset(uint unit) => (unit >> 10) << (int)((unit & (1u << 9)) >> 6);

    /// <summary>Bytes of the UTF-8 character at the start (the input comes from a .NET string, so it is well formed).</summary>
    private static int Utf8CharLength(ReadOnlySpan<byte> input)
    {
        Rune.DecodeFromUtf8(input, out _, out var consumed);
        return consumed;
    }
}
